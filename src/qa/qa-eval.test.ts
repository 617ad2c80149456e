import { describe, expect, it } from 'vitest';
import { evaluateQa, loadQaHalf } from '../evaluation/qa-evaluation.js';

/**
 * The 质检 figures of `npm run eval:qa` (qa/eval/zh-CN), kept: a floor a little below what it
 * printed when committed, so a change that makes inspection worse on either half fails here.
 * Tune half: the pack was adjusted on its errors. Held-out half: written by someone who read
 * only docs/quality-inspection.md and METHOD.md, run once; its errors were then read, so it is
 * no longer blind. blind1: 48 conversations written later the same way, eight domains, run
 * once before any change, its error categories then described (docs/quality-inspection.md,
 * "Figures"). blind2: 48 more, eight domains, written to be hard (禁语 without marked words, 44
 * near misses), run once and never tuned on.
 */
describe('质检 evaluation (qa/eval/zh-CN)', () => {
  it('keeps the measured figures on every half', () => {
    const tune = evaluateQa(loadQaHalf('tune'));
    const heldout = evaluateQa(loadQaHalf('heldout'));
    expect(tune.conversations).toBeGreaterThanOrEqual(24);
    expect(heldout.conversations).toBeGreaterThanOrEqual(24);
    // committed at: tune 禁语 P 100% R 91.7%, opening/closing/identity P 100% R 100%;
    // held-out 禁语 P 85.7% R 92.3%, opening/closing/identity P 100% R 100%
    expect(tune.groups.forbidden.precision).toBeGreaterThanOrEqual(0.95);
    expect(tune.groups.forbidden.recall).toBeGreaterThanOrEqual(0.9);
    expect(tune.groups.opening_closing_identity.precision).toBeGreaterThanOrEqual(0.97);
    expect(tune.groups.opening_closing_identity.recall).toBeGreaterThanOrEqual(0.97);
    expect(heldout.groups.forbidden.precision).toBeGreaterThanOrEqual(0.83);
    expect(heldout.groups.forbidden.recall).toBeGreaterThanOrEqual(0.9);
    expect(heldout.groups.opening_closing_identity.precision).toBeGreaterThanOrEqual(0.97);
    expect(heldout.groups.opening_closing_identity.recall).toBeGreaterThanOrEqual(0.97);
    const blind = evaluateQa(loadQaHalf('blind1'));
    expect(blind.conversations).toBeGreaterThanOrEqual(48);
    // first run before any change: 禁语 P 85.7% R 81.8%, opening/closing/identity P 80.2% R 100%. Its
    // error categories (not its texts) were then described in the docs and the rules changed for
    // them, so it is only half blind now: 禁语 P 88.4% R 86.4%, opening/closing/identity P 90.6% R 100%
    expect(blind.groups.forbidden.precision).toBeGreaterThanOrEqual(0.86);
    expect(blind.groups.forbidden.recall).toBeGreaterThanOrEqual(0.84);
    expect(blind.groups.opening_closing_identity.precision).toBeGreaterThanOrEqual(0.88);
    expect(blind.groups.opening_closing_identity.recall).toBeGreaterThanOrEqual(0.97);
    const blind2 = evaluateQa(loadQaHalf('blind2'));
    expect(blind2.conversations).toBeGreaterThanOrEqual(48);
    // written by someone who read only the docs and METHOD.md, run once (2026-12-01) and never tuned
    // on: 禁语 P 58.3% R 52.5%, opening/closing/identity P 96.1% R 88.1%
    expect(blind2.groups.forbidden.precision).toBeGreaterThanOrEqual(0.55);
    expect(blind2.groups.forbidden.recall).toBeGreaterThanOrEqual(0.5);
    expect(blind2.groups.opening_closing_identity.precision).toBeGreaterThanOrEqual(0.93);
    expect(blind2.groups.opening_closing_identity.recall).toBeGreaterThanOrEqual(0.85);
  });
});
