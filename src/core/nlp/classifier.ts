/**
 * Multinomial naive Bayes over binary features (each feature counted once per sentence, which
 * suits short customer messages). Trains in milliseconds, so the console can retrain on every
 * edit of the examples.
 */
export interface Prediction<L extends string> {
  label: L;
  confidence: number;
  /** Posterior per label, summing to 1. */
  posterior: Record<L, number>;
  /** How many of the features the classifier had seen in training (0: no evidence at all). */
  evidence: number;
}

export class NaiveBayes<L extends string> {
  private labels: L[] = [];
  private logPrior = new Map<L, number>();
  private logLikelihood = new Map<L, Map<string, number>>();
  private logUnseen = new Map<L, number>();

  constructor(private readonly alpha = 0.5) {}

  train(examples: { label: L; features: string[] }[]): void {
    const labels = [...new Set(examples.map((e) => e.label))];
    const vocabulary = new Set<string>();
    const counts = new Map<L, Map<string, number>>();
    const docs = new Map<L, number>();
    for (const label of labels) counts.set(label, new Map());
    for (const e of examples) {
      docs.set(e.label, (docs.get(e.label) ?? 0) + 1);
      const c = counts.get(e.label)!;
      for (const f of e.features) {
        vocabulary.add(f);
        c.set(f, (c.get(f) ?? 0) + 1);
      }
    }
    this.labels = labels;
    this.logPrior.clear();
    this.logLikelihood.clear();
    this.logUnseen.clear();
    const v = vocabulary.size;
    for (const label of labels) {
      // Uniform priors: the example counts reflect who wrote them, not how often customers ask.
      this.logPrior.set(label, Math.log(1 / labels.length));
      const c = counts.get(label)!;
      let total = 0;
      for (const n of c.values()) total += n;
      const denominator = Math.log(total + this.alpha * v);
      const ll = new Map<string, number>();
      for (const [f, n] of c) ll.set(f, Math.log(n + this.alpha) - denominator);
      this.logLikelihood.set(label, ll);
      this.logUnseen.set(label, Math.log(this.alpha) - denominator);
    }
    this.vocabulary = vocabulary;
  }

  private vocabulary = new Set<string>();

  predict(features: string[]): Prediction<L> {
    if (this.labels.length === 0) throw new Error('The classifier has no examples: add training sentences before classifying');
    const known = features.filter((f) => this.vocabulary.has(f));
    const scores = this.labels.map((label) => {
      const ll = this.logLikelihood.get(label)!;
      const unseen = this.logUnseen.get(label)!;
      let s = this.logPrior.get(label)!;
      for (const f of known) s += ll.get(f) ?? unseen;
      return s;
    });
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const posterior = {} as Record<L, number>;
    let best = 0;
    this.labels.forEach((label, i) => {
      posterior[label] = exp[i] / sum;
      if (exp[i] > exp[best]) best = i;
    });
    // Nothing known: no evidence for any label, say so with a flat confidence.
    const confidence = known.length === 0 ? 1 / this.labels.length : exp[best] / sum;
    return { label: this.labels[best], confidence, posterior, evidence: known.length };
  }
}
