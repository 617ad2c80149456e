import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forbiddenModelKey, forbiddenModelReady, keepForbiddenModel, Segmenter, SoftmaxRegression, trainForbiddenModel, type NlpPack, type Tokenizer } from '../core/nlp/index.js';

/**
 * The 禁语 model is trained from the pack's labelled lines (about a second of CPU). A process keeps
 * the trained model in a file named by a hash of what it was trained from, so every later process
 * (the analysis thread, each instance, a restart, each test file) loads it in milliseconds
 * instead. A pack edited by an admin hashes differently and is trained afresh. The files are a
 * cache: a missing, unreadable or unwritable directory only means training again.
 */
export function modelCacheDir(): string {
  return process.env.ZHIKE_NLP_CACHE_DIR || path.join(os.tmpdir(), 'zhike-nlp-cache');
}

function fileFor(pack: NlpPack): string | undefined {
  const key = forbiddenModelKey(pack);
  if (key === undefined) return undefined;
  // The words the model reads come from jieba with the pack's dictionary: a new jieba is a new model too.
  const hash = crypto.createHash('sha256').update(key).update(JIEBA_VERSION).digest('hex');
  return path.join(modelCacheDir(), `forbidden-${hash.slice(0, 32)}.bin`);
}

const JIEBA_VERSION = (() => {
  try {
    return String(createRequire(import.meta.url)('@node-rs/jieba/package.json').version);
  } catch {
    return 'unknown';
  }
})();

function load(pack: NlpPack, file: string): boolean {
  try {
    keepForbiddenModel(pack, SoftmaxRegression.fromBytes(fs.readFileSync(file)));
    return true;
  } catch {
    return false; // absent, or half-written by an older version: train
  }
}

function save(file: string, model: SoftmaxRegression<string> | undefined): void {
  if (!model) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.partial`;
    fs.writeFileSync(partial, model.toBytes());
    fs.renameSync(partial, file); // atomic: a reader sees the whole file or none
  } catch {
    // a read-only or full disk: the next process trains again
  }
}

const tokensOf = (pack: NlpPack, tokenizer: Tokenizer) => {
  const segmenter = new Segmenter(tokenizer, pack);
  return (text: string) => segmenter.tokens(text);
};

/**
 * Makes the pack's 禁语 model ready for the engine about to be built: from the cache, or trained
 * (a step per epoch, each tens of ms) and kept there. The caller runs the steps at once or with
 * pauses between; the analysis thread beats between them, so a long training on a loaded machine
 * is not taken for a stuck thread.
 */
export function* forbiddenModelSteps(pack: NlpPack, tokenizer: Tokenizer): Generator<void, void> {
  if (forbiddenModelReady(pack)) return;
  const file = fileFor(pack);
  if (!file || load(pack, file)) return;
  save(file, yield* trainForbiddenModel(pack, tokensOf(pack, tokenizer)));
}

/** Whether the pack's 禁语 model is in the cache (or the pack has none): a process building its engine will not train. */
export function forbiddenModelCached(pack: NlpPack): boolean {
  const file = fileFor(pack);
  return !file || fs.existsSync(file);
}
