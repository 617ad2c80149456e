// npm run eval:nlp [-- --errors]: the NLP figures on both halves of nlp/eval/zh-CN. The tune half
// is what the packs were adjusted on; the held-out half was written first and never tuned on.
import { createNlpEngine } from '../nlp/index.js';
import { evaluateFaqHalf, evaluateHalf, FAQ_HALVES, HALVES } from './evaluation.js';

const showErrors = process.argv.includes('--errors');
const pct = (x: number) => (x * 100).toFixed(1).padStart(5) + '%';
const started = performance.now();
const engine = createNlpEngine('zh-CN');
console.log(`zh-CN engine ready in ${(performance.now() - started).toFixed(0)} ms`);
console.log('targets on held-out: intent macro-F1 ≥ 85%, emotion accuracy ≥ 85%, 禁语 precision ≥ 90% and recall ≥ 85%\n');
for (const half of HALVES) {
  const r = evaluateHalf(engine, half);
  console.log(`── ${half} ──`);
  console.log(`intent   n=${String(r.intent.n).padStart(3)}  accuracy ${pct(r.intent.accuracy)}  macro-F1 ${pct(r.intent.macroF1)}`);
  console.log(`emotion  n=${String(r.emotion.n).padStart(3)}  accuracy ${pct(r.emotion.accuracy)}  macro-F1 ${pct(r.emotion.macroF1)}`);
  console.log(`禁语     n=${String(r.forbidden.n).padStart(3)}  precision ${pct(r.forbidden.precision)}  recall ${pct(r.forbidden.recall)}  category right ${pct(r.forbidden.categoryAccuracy)}`);
  for (const [task, rep] of [['intent', r.intent], ['emotion', r.emotion]] as const) {
    const per = Object.entries(rep.perLabel).map(([l, m]) => `${l} ${(m.f1 * 100).toFixed(0)}`).join(' · ');
    console.log(`  ${task} F1 per label: ${per}`);
  }
  if (showErrors) {
    for (const e of r.intent.errors) console.log(`  intent  ${e.expected} → ${e.got}: ${e.text}`);
    for (const e of r.emotion.errors) console.log(`  emotion ${e.expected} → ${e.got}: ${e.text}`);
    for (const e of r.forbidden.misses) console.log(`  禁语 missed ${e.expected}: ${e.text}`);
    for (const e of r.forbidden.falsePositives) console.log(`  禁语 false alarm: ${e}`);
    for (const e of r.forbidden.wrongCategory) console.log(`  禁语 category ${e.expected} → ${e.got}: ${e.text}`);
  }
  console.log('');
}

// FAQ retrieval (知识库): nlp/eval/zh-CN/faq.articles.json searched with the FAQ queries of each half.
console.log('FAQ retrieval — targets on held-out: hit@1 ≥ 85%, unanswerable declined ≥ 80%');
console.log('  hit@1/hit@3 over answerable queries (first result whatever `answered` says); answered-correct over answerable; declined over unanswerable\n');
for (const half of FAQ_HALVES) {
  const started = performance.now();
  const r = evaluateFaqHalf(half);
  const ms = performance.now() - started;
  console.log(`── faq ${half} ── n=${r.n} (${r.answerable} answerable, ${r.unanswerable} unanswerable), ${ms.toFixed(0)} ms`);
  console.log(`hit@1 ${pct(r.hitAt1)}  hit@3 ${pct(r.hitAt3)}  answered-and-correct ${pct(r.answeredCorrect)}  answered-wrong ${pct(r.answeredWrong)}  declined ${pct(r.declined)}`);
  if (showErrors) {
    for (const m of r.misses) console.log(`  faq ${m.answered ? 'answered' : 'declined'} ${m.score.toFixed(3)} ${m.query} → ${m.got ?? '(nothing)'} (want ${m.expected})`);
    for (const m of r.falseAnswers) console.log(`  faq false answer ${m.score.toFixed(3)} ${m.query} → ${m.got}`);
  }
  console.log('');
}
