// npm run eval:qa [-- --errors] [-- --sets tune,heldout]: 质检 precision and recall per rule on each labelled set of qa/eval/zh-CN.
// --errors lists the mistakes on the tuning sets only: a blind set's are not printed (reading them would make it a tuning set).
// tune: the pack was adjusted on it; heldout: run once, then read (now tuning data); dev1-dev3: read, for choosing the 禁语 model's lines; blind1: run once, its error
// categories read; blind2 (hard), blind3 to blind8: written by others, never read. The blind sets' errors are never listed.
import { evaluateQa, loadQaHalf, QA_HALVES } from './qa-evaluation.js';

const showErrors = process.argv.includes('--errors');
const setsArg = process.argv.indexOf('--sets');
const sets = setsArg >= 0 ? (process.argv[setsArg + 1] ?? '').split(',') : [...QA_HALVES];
const unknown = sets.filter((s) => !(QA_HALVES as readonly string[]).includes(s));
if (unknown.length) {
  console.error(`unknown set(s) ${unknown.join(', ')}: have ${QA_HALVES.join(', ')}`);
  process.exit(2);
}
const isBlind = (half: string) => half.startsWith('blind');
const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + '%';
console.log('targets on unseen text (blind2 to blind8): 禁语 precision ≥ 90% and recall ≥ 85%; opening/closing/identity rules ≥ 90% both\n');
for (const half of QA_HALVES.filter((h) => sets.includes(h))) {
  const started = performance.now();
  const r = evaluateQa(loadQaHalf(half));
  console.log(`── ${half} ── ${r.conversations} conversations, ${(performance.now() - started).toFixed(0)} ms`);
  for (const g of Object.values(r.groups)) console.log(`${g.rule.padEnd(28)} precision ${pct(g.precision)}  recall ${pct(g.recall)}   (tp ${g.tp}, fp ${g.fp}, fn ${g.fn})`);
  for (const f of r.perRule) console.log(`  ${f.rule.padEnd(26)} precision ${pct(f.precision)}  recall ${pct(f.recall)}   (tp ${f.tp}, fp ${f.fp}, fn ${f.fn})`);
  if (showErrors && isBlind(half)) console.log('  (errors of a blind set are not listed)');
  else if (showErrors) for (const e of r.errors) console.log(`  ${e.kind.padEnd(11)} ${e.rule.padEnd(26)} ${e.id} #${e.messageIndex ?? '-'}  ${e.text.slice(0, 90)}`);
  console.log('');
}
