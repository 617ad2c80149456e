import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import safeRegex from 'safe-regex2';
import { chooseSheet, compileQaPack, inspectTranscript, scoreFindings, type CompiledQaPack, type QaFinding, type QaAnalysis, type QaMessage, type Score, type ScoreSheet, type SheetFacts } from '../core/qa/index.js';
import { analysisThread } from '../nlp/analysis-worker.js';
import { DomainError } from '../core/errors.js';
import { nlpFor, packLocale } from '../nlp/engines.js';

/** Where the shipped 质检 packs live: qa/packs/<locale>.json (versioned, admin-editable). */
export function qaPacksDir(): string {
  return path.join(projectRoot(), 'qa', 'packs');
}

const packs = new Map<string, CompiledQaPack>();

/** The ReDoS check every pack's patterns pass (nested repetition refused): they run on every customer and agent line. */
export const safePattern = (source: string) => safeRegex(source, { limit: 60 });

/** The shipped pack of a locale (qa/packs/en.json for English, zh-CN for Chinese and no locale; zh-CN if a pack file is missing), compiled once. */
export function qaPackFor(locale: string | null | undefined): CompiledQaPack {
  const key = packLocale(locale);
  let compiled = packs.get(key);
  if (!compiled) {
    const own = path.join(qaPacksDir(), `${key}.json`);
    const file = fs.existsSync(own) ? own : path.join(qaPacksDir(), 'zh-CN.json');
    let data: unknown;
    try {
      data = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`质检 pack ${file} could not be read: ${(err as Error).message}`);
    }
    compiled = compileQaPack(data, { safe: safePattern });
    packs.set(key, compiled);
  }
  return compiled;
}

export interface Inspection {
  findings: QaFinding[];
  score: Score;
  packVersion: string;
  /** The sheet it was scored on (kept with the inspection: review and appeals score on it again). */
  sheet: ScoreSheet;
}

/** How confident a customer message's intent must be to choose a sheet by it. */
const SHEET_INTENT_CONFIDENCE = 0.7;

/**
 * Inspects a transcript: each customer and agent line read once by the NLP engine of the
 * conversation's language (the shared analysis: emotion, intent, 禁语), then the pack's rules,
 * scored on the sheet the pack chooses for it (by inbox, channel and the customer's intents),
 * or on the sheet named by `sheet`.
 */
export function inspectMessages(messages: QaMessage[], opts: InspectOptions = {}): Inspection {
  const engine = nlpFor(opts.locale);
  const texts = messages.map((m) => engine.normalize(m.content).text);
  const analyses = messages.map((m) => (m.role === 'customer' || m.role === 'agent' ? engine.analyze(m.content, m.role) : null));
  return judge(messages, texts, analyses, opts);
}

/**
 * The same inspection with the reading done on the analysis thread (src/nlp/analysis-worker.ts):
 * what the server's consumers and endpoints use, so a long transcript's NLP (about 1.5 ms a line)
 * never holds up the thread that acknowledges customers. Only the rules (microseconds) run here.
 */
export async function inspectOffThread(messages: QaMessage[], opts: InspectOptions = {}): Promise<Inspection> {
  sheetOf(opts.pack ?? qaPackFor(opts.locale), opts.sheet); // a sheet that is not there is refused before any reading
  const readings = await analysisThread.read(
    messages.map((m) => ({ locale: opts.locale ?? null, text: m.content, role: m.role === 'customer' || m.role === 'agent' ? m.role : null })),
  );
  return judge(
    messages,
    readings.map((r) => r.normalized),
    readings.map((r) => r.analysis),
    opts,
  );
}

export interface InspectOptions {
  locale?: string | null;
  closed?: boolean;
  pack?: CompiledQaPack;
  /** What the sheet is chosen by (besides the customer's intents, read from the transcript). */
  facts?: Omit<SheetFacts, 'intents'>;
  /** Score on this sheet of the pack instead. */
  sheet?: string;
}

function judge(messages: QaMessage[], texts: string[], analyses: (QaAnalysis | null)[], opts: InspectOptions): Inspection {
  const pack = opts.pack ?? qaPackFor(opts.locale);
  const findings = inspectTranscript({ messages, texts, analyses, closed: opts.closed ?? true }, pack);
  const intents = [...new Set(messages.flatMap((m, i) => (m.role === 'customer' && analyses[i] && analyses[i].intent.confidence >= SHEET_INTENT_CONFIDENCE ? [analyses[i].intent.label] : [])))];
  const sheet = sheetOf(pack, opts.sheet) ?? chooseSheet(pack.pack.sheets, pack.pack.sheetFor, { ...opts.facts, intents });
  return { findings, score: scoreFindings(findings, sheet), packVersion: pack.pack.version, sheet };
}

/** The pack's sheet named `id`; an unknown id is the caller's mistake, said in words. */
function sheetOf(pack: CompiledQaPack, id: string | undefined): ScoreSheet | undefined {
  if (id === undefined) return undefined;
  const sheet = pack.pack.sheets.find((s) => s.id === id);
  if (!sheet) throw new DomainError('unknown_sheet', `no scoring sheet "${id}" in the rules in use (have: ${pack.pack.sheets.map((s) => s.id).join(', ')})`, 400);
  return sheet;
}
