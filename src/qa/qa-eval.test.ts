import { describe, expect, it } from 'vitest';
import { evaluateQa, loadQaHalf, type QaHalf } from '../evaluation/qa-evaluation.js';

/**
 * The 质检 figures of `npm run eval:qa` (qa/eval/zh-CN), kept: a floor a little below what it
 * printed when committed, so a change that makes inspection worse on any set fails here.
 * tune: the pack was adjusted on its errors. heldout: run once, then read (tuning data since).
 * blind1: run once before any change, its error categories then described (half blind).
 * blind2 (written to be hard: 禁语 without marked words), blind3 to blind8 (a natural mix): each
 * written by someone who read only docs/quality-inspection.md, the labelling guide and METHOD.md,
 * never read; blind5 to blind8 were run after the last change to the detector (blind7 and blind8
 * also with a candidate model that was not kept). The first runs are in docs/quality-inspection.md ("Figures").
 */
const floors: Record<QaHalf, { conversations: number; forbidden: [number, number]; openingClosing: [number, number] }> = {
  // committed at: 禁语 P 100% R 100%; opening/closing/identity 100% / 100%
  tune: { conversations: 24, forbidden: [0.95, 0.95], openingClosing: [0.97, 0.97] },
  heldout: { conversations: 24, forbidden: [0.95, 0.95], openingClosing: [0.97, 0.97] },
  // 禁语 97.6% / 90.9%; opening/closing/identity 90.6% / 100%
  blind1: { conversations: 48, forbidden: [0.93, 0.86], openingClosing: [0.88, 0.97] },
  // 禁语 83.9% / 65.0% (rules and naive Bayes: 58.3% / 52.5%); 96.1% / 88.1%
  blind2: { conversations: 48, forbidden: [0.8, 0.6], openingClosing: [0.93, 0.85] },
  // 禁语 89.1% / 85.4% (first run 87.5% / 87.5%); 93.8% / 96.2%
  blind3: { conversations: 48, forbidden: [0.85, 0.81], openingClosing: [0.91, 0.93] },
  // 禁语 94.9% / 82.2% (first run 92.5% / 82.2%); 89.7% / 93.3%
  blind4: { conversations: 48, forbidden: [0.9, 0.78], openingClosing: [0.87, 0.9] },
  // first run, the figure: 禁语 85.1% / 90.9%; 95.2% / 97.5%
  blind5: { conversations: 48, forbidden: [0.8, 0.86], openingClosing: [0.92, 0.94] },
  // first run, the figure: 禁语 91.1% / 93.2%; 93.3% / 98.0%
  blind6: { conversations: 48, forbidden: [0.87, 0.89], openingClosing: [0.9, 0.95] },
  // this model's first run: 禁语 90.0% / 87.8%; 90.7% / 93.2% (a model trained on two more writers' lines read 85.7% / 87.8%)
  blind7: { conversations: 48, forbidden: [0.86, 0.83], openingClosing: [0.87, 0.9] },
  // this model's first run: 禁语 82.6% / 88.4%; 93.3% / 98.8% (the other model 90.5% / 88.4%)
  blind8: { conversations: 48, forbidden: [0.78, 0.84], openingClosing: [0.9, 0.95] },
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
