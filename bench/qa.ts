/**
 * 质检 benchmark (issue 15, part "qa"): messages inspected per second on one core with the
 * default zh-CN pack, given each message's shared analysis (the NLP engine's, measured by the
 * "nlp" part: computed here beforehand and not timed). Conversations of 12 lines are made of the
 * NLP eval sentences (customer lines and agent lines, 禁语 included), with timestamps. Baseline in
 * the same run: one phrase list (the greeting) matched over the same messages — the least a
 * rule can cost. Target: ≥ 20,000 messages/s.
 */
import { compileQaPack, inspectTranscript, type QaMessage, type QaTranscript } from '../src/core/qa/index.js';
import { createNlpEngine } from '../src/nlp/index.js';
import { qaPackFor } from '../src/qa/inspector.js';
import { nlpSentences } from './nlp.js';

const ROUNDS = Number(process.env.BENCH_QA_ROUNDS ?? 20);

export async function benchQa(log: (line: string) => void): Promise<void> {
  log(`\nqa: 质检 of whole conversations with the default zh-CN pack, given each message's analysis; ${ROUNDS} rounds`);
  const engine = createNlpEngine('zh-CN');
  const sentences = nlpSentences().filter((s) => s.text.length <= 120);
  const customers = sentences.filter((s) => s.role === 'customer');
  const agents = sentences.filter((s) => s.role === 'agent');
  const transcripts: QaTranscript[] = [];
  for (let c = 0; c < 200; c++) {
    const messages: QaMessage[] = [];
    for (let k = 0; k < 12; k++) {
      const from = k % 2 === 0 ? customers : agents;
      const s = from[(c * 12 + k * 7) % from.length];
      messages.push({ role: k % 2 === 0 ? 'customer' : 'agent', content: s.text, at: new Date(Date.UTC(2026, 0, 1, 0, 0, c + k * 20)).toISOString() });
    }
    transcripts.push({
      messages,
      texts: messages.map((m) => engine.normalize(m.content).text),
      analyses: messages.map((m) => engine.analyze(m.content, m.role === 'agent' ? 'agent' : 'customer')),
      closed: true,
    });
  }
  const total = transcripts.reduce((n, t) => n + t.messages.length, 0);
  const pack = qaPackFor('zh-CN');
  const greetingOnly = compileQaPack({
    locale: 'zh-CN',
    version: 'baseline',
    phrases: { greeting: pack.pack.phrases.greeting },
    rules: [{ id: 'opening.greeting', kind: 'message', severity: 'minor', scope: { role: 'agent' }, when: { phrases: 'greeting' } }],
  });
  const run = (p: typeof pack) => {
    for (const t of transcripts.slice(0, 20)) inspectTranscript(t, p); // warm-up
    const started = performance.now();
    let findings = 0;
    for (let r = 0; r < ROUNDS; r++) for (const t of transcripts) findings += inspectTranscript(t, p).length;
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: (total * ROUNDS) / seconds, findings: findings / ROUNDS };
  };
  const base = run(greetingOnly);
  const full = run(pack);
  log(`  baseline: one phrase list over every message   ${base.perSecond.toFixed(0).padStart(9)} messages/s`);
  log(`  default pack (${pack.pack.rules.length} rules)                  ${full.perSecond.toFixed(0).padStart(9)} messages/s (${((full.perSecond / base.perSecond) * 100).toFixed(1)}% of the baseline), ${(full.findings / transcripts.length).toFixed(1)} findings per conversation`);
  log(`  target ≥ 20,000 messages/s → ${full.perSecond >= 20_000 ? 'MET' : 'NOT MET'}`);
}
