import type { QaFinding, Severity } from './types.js';

/**
 * A scoring sheet (评分表): points each finding takes off, by rule or else by severity;
 * a `critical` finding zeroes the sheet (一票否决). Dimensions are the rule categories.
 */
export interface ScoreSheet {
  id: string;
  name: string;
  bySeverity: Record<Exclude<Severity, 'critical'>, number>;
  byRule?: Record<string, number>;
}

export const DEFAULT_SHEET: ScoreSheet = { id: 'chat', name: '在线会话评分表', bySeverity: { minor: 2, major: 5 } };

export interface ScoredDimension {
  category: string;
  deducted: number;
  findings: number;
}

export interface Score {
  score: number;
  /** True when a critical finding zeroed the sheet. */
  vetoed: boolean;
  dimensions: ScoredDimension[];
}

export function scoreFindings(findings: QaFinding[], sheet: ScoreSheet = DEFAULT_SHEET): Score {
  const dims = new Map<string, ScoredDimension>();
  let deducted = 0;
  let vetoed = false;
  for (const f of findings) {
    const d = dims.get(f.category) ?? { category: f.category, deducted: 0, findings: 0 };
    d.findings++;
    if (f.severity === 'critical') vetoed = true;
    else {
      const points = sheet.byRule?.[f.rule] ?? sheet.bySeverity[f.severity];
      d.deducted += points;
      deducted += points;
    }
    dims.set(f.category, d);
  }
  return { score: vetoed ? 0 : Math.max(0, 100 - deducted), vetoed, dimensions: [...dims.values()] };
}
