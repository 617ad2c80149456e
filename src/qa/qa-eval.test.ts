import { describe, expect, it } from 'vitest';
import { evaluateQa, loadQaHalf, type QaHalf } from '../evaluation/qa-evaluation.js';

/**
 * The 质检 figures of `npm run eval:qa` (qa/eval/zh-CN), kept: a floor a little below what it
 * printed when committed, so a change that makes inspection worse on any set fails here.
 * tune: the pack was adjusted on its errors. heldout: run once, then read (tuning data since).
 * blind1: run once before any change, its error categories then described (half blind).
 * blind2 (written to be hard: 禁语 without marked words), blind3 to blind8 (a natural mix): each
 * written by someone who read only docs/quality-inspection.md, the labelling guide and METHOD.md,
 * never read; blind2 to blind8 were run once after the last change to the detector (the short,
 * spoken lines and the emoji clause; chosen on three development sets, qa/eval is not among
 * them). The first runs are in docs/quality-inspection.md ("Figures").
 */
const floors: Record<QaHalf, { conversations: number; forbidden: [number, number]; openingClosing: [number, number] }> = {
  // committed at: 禁语 P 100% R 100%; opening/closing/identity 100% / 100%
  tune: { conversations: 24, forbidden: [0.95, 0.95], openingClosing: [0.97, 0.97] },
  // 禁语 92.9% / 100%; 100% / 100%
  heldout: { conversations: 24, forbidden: [0.9, 0.95], openingClosing: [0.97, 0.97] },
  // development sets (three new writers; the short lines and the emoji clause were chosen on their errors):
  // 禁语 83.7% / 76.6%, 91.4% / 66.7%, 91.9% / 77.3%; opening/closing/identity 93.2% / 94.4%, 90.9% / 88.9%, 87.0% / 93.8%
  dev1: { conversations: 48, forbidden: [0.8, 0.72], openingClosing: [0.9, 0.9] },
  dev2: { conversations: 48, forbidden: [0.87, 0.62], openingClosing: [0.87, 0.85] },
  dev3: { conversations: 48, forbidden: [0.88, 0.73], openingClosing: [0.83, 0.9] },
  // 禁语 95.3% / 93.2%; opening/closing/identity 90.6% / 100%
  blind1: { conversations: 48, forbidden: [0.92, 0.88], openingClosing: [0.88, 0.97] },
  // 禁语 86.2% / 62.5% (rules and naive Bayes: 58.3% / 52.5%); 96.1% / 88.1%
  blind2: { conversations: 48, forbidden: [0.82, 0.58], openingClosing: [0.93, 0.85] },
  // 禁语 93.3% / 87.5% (first run 87.5% / 87.5%); 93.8% / 96.2%
  blind3: { conversations: 48, forbidden: [0.88, 0.83], openingClosing: [0.91, 0.93] },
  // 禁语 95.1% / 86.7% (first run 92.5% / 82.2%); 89.7% / 93.3%
  blind4: { conversations: 48, forbidden: [0.9, 0.82], openingClosing: [0.87, 0.9] },
  // 禁语 90.9% / 90.9% (first run 85.1% / 90.9%); 95.2% / 97.5%
  blind5: { conversations: 48, forbidden: [0.86, 0.86], openingClosing: [0.92, 0.94] },
  // 禁语 88.6% / 88.6% (first run 91.1% / 93.2%); 93.3% / 98.0%
  blind6: { conversations: 48, forbidden: [0.84, 0.84], openingClosing: [0.9, 0.95] },
  // 禁语 90.5% / 92.7% (first run 90.0% / 87.8%); 90.7% / 93.2%
  blind7: { conversations: 48, forbidden: [0.86, 0.88], openingClosing: [0.87, 0.9] },
  // 禁语 86.4% / 88.4% (first run 82.6% / 88.4%); 93.3% / 98.8%
  blind8: { conversations: 48, forbidden: [0.82, 0.84], openingClosing: [0.9, 0.95] },
};

describe('质检 evaluation (qa/eval/zh-CN)', () => {
  it('keeps the measured figures on every set', () => {
    for (const [half, floor] of Object.entries(floors) as [QaHalf, (typeof floors)[QaHalf]][]) {
      const r = evaluateQa(loadQaHalf(half));
      expect(r.conversations, half).toBeGreaterThanOrEqual(floor.conversations);
      expect(r.groups.forbidden.precision, `${half} 禁语 precision`).toBeGreaterThanOrEqual(floor.forbidden[0]);
      expect(r.groups.forbidden.recall, `${half} 禁语 recall`).toBeGreaterThanOrEqual(floor.forbidden[1]);
      expect(r.groups.opening_closing_identity.precision, `${half} opening/closing/identity precision`).toBeGreaterThanOrEqual(floor.openingClosing[0]);
      expect(r.groups.opening_closing_identity.recall, `${half} opening/closing/identity recall`).toBeGreaterThanOrEqual(floor.openingClosing[1]);
    }
  });
});
