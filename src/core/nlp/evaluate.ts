/** Metrics for the labelled sets (npm run eval:nlp and the regression floor test). */
export interface LabelledLine {
  label: string;
  text: string;
}

export interface EvalReport {
  n: number;
  accuracy: number;
  macroF1: number;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  errors: { text: string; expected: string; got: string }[];
}

/** Accuracy and macro-F1 (mean of per-label F1 over the labels present in gold or predictions). */
export function evaluate(lines: LabelledLine[], predict: (text: string) => string): EvalReport {
  const labels = new Set<string>();
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  const errors: EvalReport['errors'] = [];
  let correct = 0;
  for (const line of lines) {
    const got = predict(line.text);
    labels.add(line.label);
    labels.add(got);
    if (got === line.label) {
      correct++;
      inc(tp, got);
    } else {
      inc(fp, got);
      inc(fn, line.label);
      errors.push({ text: line.text, expected: line.label, got });
    }
  }
  const perLabel: EvalReport['perLabel'] = {};
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const precision = t + (fp.get(label) ?? 0) === 0 ? 0 : t / (t + (fp.get(label) ?? 0));
    const recall = t + (fn.get(label) ?? 0) === 0 ? 0 : t / (t + (fn.get(label) ?? 0));
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perLabel[label] = { precision, recall, f1, support: t + (fn.get(label) ?? 0) };
    f1Sum += f1;
  }
  return { n: lines.length, accuracy: lines.length ? correct / lines.length : 0, macroF1: labels.size ? f1Sum / labels.size : 0, perLabel, errors };
}

export interface DetectionReport {
  n: number;
  /** Of the lines flagged, how many are forbidden (any category). */
  precision: number;
  /** Of the forbidden lines, how many are flagged. */
  recall: number;
  /** Of the forbidden lines flagged, how many with the right category first. */
  categoryAccuracy: number;
  falsePositives: string[];
  misses: { text: string; expected: string }[];
  wrongCategory: { text: string; expected: string; got: string }[];
}

/** 禁语 detection: label 'none' is innocent, any other label a category; `detect` returns the categories found. */
export function evaluateDetection(lines: LabelledLine[], detect: (text: string) => string[]): DetectionReport {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let rightCategory = 0;
  const report: DetectionReport = { n: lines.length, precision: 0, recall: 0, categoryAccuracy: 0, falsePositives: [], misses: [], wrongCategory: [] };
  for (const line of lines) {
    const found = detect(line.text);
    const forbidden = line.label !== 'none';
    if (found.length && forbidden) {
      tp++;
      if (found.includes(line.label)) rightCategory++;
      else report.wrongCategory.push({ text: line.text, expected: line.label, got: found.join('+') });
    } else if (found.length) {
      fp++;
      report.falsePositives.push(`${line.text}  → ${found.join('+')}`);
    } else if (forbidden) {
      fn++;
      report.misses.push({ text: line.text, expected: line.label });
    }
  }
  report.precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  report.recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  report.categoryAccuracy = tp === 0 ? 0 : rightCategory / tp;
  return report;
}
