import * as OpenCC from 'opencc-js/t2cn';
import type { TextConverter } from '../core/nlp/index.js';

let converter: TextConverter | undefined;

/** Traditional (Taiwan and Hong Kong forms too) → simplified Chinese, character by character. */
export function traditionalToSimplified(): TextConverter {
  if (!converter) {
    const tw = OpenCC.Converter({ from: 'tw', to: 'cn' });
    const hk = OpenCC.Converter({ from: 'hk', to: 'cn' });
    converter = (text) => hk(tw(text));
  }
  return converter;
}
