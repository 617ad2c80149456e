import { pinyin } from 'pinyin-pro';

/**
 * The pinyin keys of a 快捷回复 (title and category): in full without tones ("tuikuanliucheng")
 * and by initials ("tklc"), lower case, no spaces. Latin letters and digits are kept as typed
 * (lower-cased), so "VIP退款" gives "viptuikuan" / "viptk". Polyphones follow pinyin-pro's
 * word-aware reading (银行 → yinhang).
 */
export function pinyinKeys(...parts: Array<string | null | undefined>): { pinyin: string; initials: string } {
  const text = parts.filter((p): p is string => !!p).join(' ');
  const full: string[] = [];
  const initials: string[] = [];
  const syllables = pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  const firsts = pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'consecutive', v: true });
  for (let i = 0; i < syllables.length; i++) {
    const s = syllables[i].toLowerCase().replace(/[^a-z0-9]/g, '');
    if (!s) continue;
    full.push(s);
    // a run of latin letters ("vip") is kept whole in both keys
    const f = /^[a-z0-9]+$/i.test(firsts[i] ?? '') && (firsts[i] ?? '').length > 1 ? s : (firsts[i] ?? s[0]).toLowerCase();
    initials.push(f.replace(/[^a-z0-9]/g, ''));
  }
  return { pinyin: full.join(''), initials: initials.join('') };
}
