import { describe, expect, it } from 'vitest';
import { evaluateQa, loadQaHalf, type QaHalf } from '../evaluation/qa-evaluation.js';

/**
 * The 质检 figures of `npm run eval:qa` (qa/eval/zh-CN), kept: a floor a little below what it
 * printed when committed, so a change that makes inspection worse on any set fails here.
 * tune: the pack was adjusted on its errors. heldout: run once, then read (tuning data since).
 * blind1: run once before any change, its error categories then described (half blind).
 * blind2 (written to be hard: 禁语 without marked words), blind3 and blind4 (a natural mix): each
 * written by someone who read only docs/quality-inspection.md, the labelling guide and METHOD.md,
 * never read. The first runs are in docs/quality-inspection.md ("Figures").
 */
const floors: Record<QaHalf, { conversations: number; forbidden: [number, number]; openingClosing: [number, number] }> = {
  // committed at: 禁语 P 100% R 100%; opening/closing/identity 100% / 100%
  tune: { conversations: 24, forbidden: [0.95, 0.95], openingClosing: [0.97, 0.97] },
  heldout: { conversations: 24, forbidden: [0.95, 0.95], openingClosing: [0.97, 0.97] },
  // 禁语 97.5% / 88.6%; opening/closing/identity 90.6% / 100%
  blind1: { conversations: 48, forbidden: [0.93, 0.86], openingClosing: [0.88, 0.97] },
  // 禁语 89.7% / 65.0% (first run with the learned model 89.3% / 62.5%; rules alone 58.3% / 52.5%); 96.1% / 88.1%
  blind2: { conversations: 48, forbidden: [0.86, 0.6], openingClosing: [0.93, 0.85] },
  // 禁语 87.5% / 87.5% (first run the same); 93.8% / 96.2%
  blind3: { conversations: 48, forbidden: [0.84, 0.84], openingClosing: [0.91, 0.93] },
  // 禁语 90.0% / 80.0% (first run 92.5% / 82.2%); 89.7% / 93.3%
  blind4: { conversations: 48, forbidden: [0.86, 0.76], openingClosing: [0.87, 0.9] },
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
