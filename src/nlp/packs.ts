import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../config.js';
import { parsePack, type NlpPack } from '../core/nlp/index.js';

/** Where the shipped packs live: nlp/packs/<locale>/ in the repository (versioned, admin-editable). */
export function packsDir(): string {
  return path.join(projectRoot(), 'nlp', 'packs');
}

export function availableLocales(dir = packsDir()): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/**
 * Reads every *.json of a locale's folder and merges their top-level keys into one pack
 * (pack.json: locale, version, words, synonyms…; intents.json; emotion.json; signals.json;
 * forbidden.json), then validates it. A key defined by two files is an error naming both.
 */
export function loadPack(locale: string, dir = packsDir()): NlpPack {
  const folder = path.join(dir, locale);
  if (!fs.existsSync(folder)) throw new Error(`No NLP pack for locale "${locale}" in ${dir} (have: ${availableLocales(dir).join(', ')})`);
  const merged: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort()) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
    } catch (error) {
      throw new Error(`NLP pack file ${path.join(folder, file)} is not valid JSON: ${(error as Error).message}`);
    }
    for (const [key, value] of Object.entries(data)) {
      if (key.startsWith('$')) continue; // $comment
      if (key in merged) throw new Error(`NLP pack ${locale}: "${key}" is defined in both ${from[key]} and ${file}`);
      merged[key] = value;
      from[key] = file;
    }
  }
  try {
    return parsePack(merged);
  } catch (error) {
    throw new Error(`NLP pack ${locale} (${folder}) is invalid: ${(error as Error).message}`);
  }
}
