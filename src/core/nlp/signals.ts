import { compilePattern, type NlpPack } from './pack.js';
import type { Signal } from './types.js';
import { SIGNALS } from './types.js';

/** Escalation signals (media, regulator, lawyer, cancel), unless disclaimed in the same clause ("我不会去起诉"). */
export class SignalDetector {
  private readonly rules: [Signal, RegExp][] = [];
  private readonly disclaimers: RegExp[];

  constructor(pack: Pick<NlpPack, 'signals' | 'concepts' | 'disclaimers'>) {
    for (const signal of SIGNALS) for (const p of pack.signals[signal] ?? []) this.rules.push([signal, compilePattern(p, pack.concepts)]);
    this.disclaimers = pack.disclaimers.map((p) => compilePattern(`(?:${p})$`, pack.concepts, ''));
  }

  detect(text: string): Signal[] {
    const found = new Set<Signal>();
    for (const [signal, re] of this.rules) {
      if (found.has(signal)) continue;
      re.lastIndex = 0;
      for (let m; (m = re.exec(text)); ) {
        if (!disclaimed(text, m.index, this.disclaimers)) {
          found.add(signal);
          break;
        }
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return SIGNALS.filter((s) => found.has(s));
  }
}

/** Is the match at `start` preceded, in its clause, by a disclaimer ("我不会说", "别说")? */
export function disclaimed(text: string, start: number, disclaimers: RegExp[]): boolean {
  let clause = start;
  while (clause > 0 && !/[,.!?;]/.test(text[clause - 1])) clause--;
  const before = text.slice(clause, start);
  return disclaimers.some((re) => re.test(before));
}
