/**
 * Applying a 禁语 rewrite in the composer. The detector's suggestion is a whole polite sentence
 * ("我会帮您联系相关同事核实，今天内给您答复。"), so it replaces the sentence the finding is in
 * (up to 。！？!?; or a line break on either side), not only the words found: "这不归我管" becomes
 * the suggestion, not "这我会帮您…". The rest of the draft stays as written.
 */
const SENTENCE_END = /[。！？!?；;\n]/;

export function sentenceAround(text: string, span: [number, number]): [number, number] {
  let start = Math.max(0, Math.min(span[0], text.length));
  let end = Math.max(start, Math.min(span[1], text.length));
  while (start > 0 && !SENTENCE_END.test(text[start - 1])) start--;
  while (end < text.length && !SENTENCE_END.test(text[end])) end++;
  if (end < text.length && text[end] !== '\n') end++; // the sentence's own 。 goes with it
  while (start < end && /[ \t\u3000]/.test(text[start])) start++;
  return [start, end];
}

/** The draft with the sentence around `span` replaced by `suggestion`. */
export function applyRewrite(text: string, span: [number, number], suggestion: string): string {
  const [start, end] = sentenceAround(text, span);
  return text.slice(0, start) + suggestion + text.slice(end);
}
