import type { CompiledQaPack, Condition, QaRule, Scope } from './pack.js';
import type { QaFinding, QaTranscript } from './types.js';

type Match = { ok: boolean; span?: [number, number] };
const NO: Match = { ok: false };

const EXCERPT_CHARS = 60;

/** Seconds between two ISO timestamps; null when either is missing or unreadable. */
function secondsBetween(from?: string | null, to?: string | null): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  return Number.isNaN(a) || Number.isNaN(b) ? null : (b - a) / 1000;
}

/**
 * Inspects one conversation against a rule pack (docs/quality-inspection.md): every enabled
 * rule, in the pack's order, each finding pointing at the message it is about (or at none
 * when something is missing). Pure and deterministic: the same transcript, analyses and
 * pack give the same findings.
 */
export function inspectTranscript(t: QaTranscript, compiled: CompiledQaPack): QaFinding[] {
  return new Inspector(t, compiled).run();
}

class Inspector {
  private readonly findings: QaFinding[] = [];

  constructor(
    private readonly t: QaTranscript,
    private readonly c: CompiledQaPack,
  ) {}

  run(): QaFinding[] {
    for (const rule of this.c.pack.rules) {
      if (!rule.enabled) continue;
      switch (rule.kind) {
        case 'message':
          this.messageRule(rule);
          break;
        case 'absence':
          this.absenceRule(rule);
          break;
        case 'forbidden':
          this.forbiddenRule(rule);
          break;
        case 'builtin':
          this.builtin(rule);
          break;
      }
    }
    // Evading the 工号 is identity.refused (critical), not also 禁语 rudeness for the same message.
    const ruleOf = (id: string) => this.c.pack.rules.find((r) => r.id === id);
    const evaded = new Set(
      this.findings
        .filter((f) => {
          const rule = ruleOf(f.rule);
          return rule?.kind === 'builtin' && rule.check === 'identity_refused';
        })
        .map((f) => f.messageIndex),
    );
    return this.findings.filter((f) => {
      const rule = ruleOf(f.rule);
      return !(evaded.has(f.messageIndex) && rule?.kind === 'forbidden' && rule.category === 'rudeness');
    });
  }

  // ---- conditions -------------------------------------------------------------------

  private firstMatch(res: RegExp[], text: string): Match {
    for (const re of res) {
      re.lastIndex = 0;
      const m = re.exec(text);
      if (m) return { ok: true, span: [m.index, m.index + m[0].length] };
    }
    return NO;
  }

  matches(cond: Condition, i: number): Match {
    const text = this.t.texts[i] ?? '';
    const analysis = this.t.analyses[i];
    if ('phrases' in cond) return this.firstMatch(this.c.phrases.get(cond.phrases)!, text);
    if ('pattern' in cond) return this.firstMatch([this.c.patterns.get(cond.pattern)!], text);
    if ('keywords' in cond) {
      const found = cond.keywords.map((k) => text.indexOf(k.toLowerCase()));
      const hits = found.filter((at) => at >= 0).length;
      const mode = cond.mode ?? 'any';
      const ok = mode === 'none' ? hits === 0 : mode === 'all' ? hits === cond.keywords.length : hits >= (cond.atLeast ?? 1);
      const at = found.findIndex((x) => x >= 0);
      return ok ? { ok, span: at >= 0 && mode !== 'none' ? [found[at], found[at] + cond.keywords[at].length] : undefined } : NO;
    }
    if ('emotion' in cond) return { ok: !!analysis && cond.emotion.includes(analysis.emotion.label) && analysis.emotion.intensity >= (cond.minIntensity ?? 0) };
    if ('intent' in cond) return { ok: !!analysis && cond.intent.includes(analysis.intent.label) && analysis.intent.confidence >= (cond.minConfidence ?? 0) };
    if ('allOf' in cond) {
      let span: [number, number] | undefined;
      for (const c of cond.allOf) {
        const m = this.matches(c, i);
        if (!m.ok) return NO;
        span ??= m.span;
      }
      return { ok: true, span };
    }
    if ('anyOf' in cond) {
      for (const c of cond.anyOf) {
        const m = this.matches(c, i);
        if (m.ok) return m;
      }
      return NO;
    }
    if ('of' in cond) {
      let held = 0;
      let span: [number, number] | undefined;
      for (const c of cond.of) {
        const m = this.matches(c, i);
        if (!m.ok) continue;
        span ??= m.span;
        if (++held >= cond.atLeast) return { ok: true, span };
      }
      return NO;
    }
    return { ok: !this.matches(cond.not, i).ok };
  }

  private phrase(name: string, i: number): Match {
    const list = this.c.phrases.get(name);
    return list ? this.firstMatch(list, this.t.texts[i] ?? '') : NO;
  }

  // ---- scopes -----------------------------------------------------------------------

  private indexesOf(role: string): number[] {
    const out: number[] = [];
    this.t.messages.forEach((m, i) => m.role === role && out.push(i));
    return out;
  }

  private scope(s: Scope): number[] {
    let list = this.indexesOf(s.role);
    if (s.after) {
      const anchor = this.t.messages.findIndex((_, i) => this.matches(s.after!, i).ok);
      list = anchor < 0 ? [] : list.filter((i) => i > anchor);
    }
    if (s.first) list = list.slice(0, s.first);
    if (s.last) list = list.slice(-s.last);
    return list;
  }

  private nextOf(role: string, after: number): number {
    for (let i = after + 1; i < this.t.messages.length; i++) if (this.t.messages[i].role === role) return i;
    return -1;
  }

  // ---- findings -----------------------------------------------------------------------

  private add(rule: QaRule, messageIndex: number | null, span?: [number, number] | null, extra: { suggestion?: string | null; detail?: string } = {}): void {
    const content = messageIndex === null ? '' : this.t.messages[messageIndex].content;
    const at: [number, number] | null = messageIndex === null ? null : (span ?? [0, Math.min(content.length, EXCERPT_CHARS)]);
    this.findings.push({
      rule: rule.id,
      category: rule.id.slice(0, rule.id.indexOf('.')),
      severity: rule.severity,
      messageIndex,
      excerpt: at ? content.slice(at[0], at[1]) : '',
      span: at,
      suggestion: extra.suggestion !== undefined ? extra.suggestion : (rule.suggestion ?? null),
      ...(extra.detail ? { detail: extra.detail } : {}),
    });
  }

  private messageRule(rule: Extract<QaRule, { kind: 'message' }>): void {
    for (const i of this.scope(rule.scope)) {
      const m = this.matches(rule.when, i);
      if (!m.ok) continue;
      this.add(rule, i, m.span);
      if (rule.once) return;
    }
  }

  private absenceRule(rule: Extract<QaRule, { kind: 'absence' }>): void {
    if (rule.closedOnly && !this.t.closed) return;
    if (this.indexesOf(rule.scope.role).length === 0) return; // nobody in that role spoke: not theirs to miss
    if (rule.appliesIf) {
      const applies = rule.appliesIf.some((a) => this.scope({ role: a.role, first: a.first }).some((i) => this.matches(a.when, i).ok));
      if (!applies) return;
    }
    if (rule.exceptIf?.some((e) => this.scope(e.scope).some((i) => this.matches(e.when, i).ok))) return;
    if (rule.satisfiedBySystem && this.systemSatisfies(rule.satisfiedBySystem)) return;
    if (this.scope(rule.scope).some((i) => this.matches(rule.when, i).ok)) return;
    this.add(rule, null);
  }

  private systemSatisfies(which: 'joined' | 'welcome_after_joined'): boolean {
    const joined = this.t.messages.findIndex((m) => m.role === 'system' && m.kind === 'joined');
    if (which === 'joined') return joined >= 0;
    return joined >= 0 && this.t.messages.some((m, i) => i > joined && m.role === 'system' && m.kind === 'welcome');
  }

  private forbiddenRule(rule: Extract<QaRule, { kind: 'forbidden' }>): void {
    for (const i of this.indexesOf('agent')) {
      const hit = this.t.analyses[i]?.forbidden.find((f) => f.category === rule.category);
      if (hit) this.add(rule, i, hit.span, { suggestion: rule.suggestion ?? hit.suggestion });
    }
  }

  // ---- built-in checks ------------------------------------------------------------------

  private builtin(rule: Extract<QaRule, { kind: 'builtin' }>): void {
    const msgs = this.t.messages;
    const agents = this.indexesOf('agent');
    const customers = this.indexesOf('customer');
    const firstCustomer = customers[0] ?? -1;
    const firstAgent = firstCustomer >= 0 ? this.nextOf('agent', firstCustomer) : -1;
    switch (rule.check) {
      case 'first_response': {
        if (firstAgent < 0) return;
        const waited = secondsBetween(msgs[firstCustomer].at, msgs[firstAgent].at);
        if (waited !== null && waited > (rule.seconds ?? 60)) this.add(rule, firstAgent, null, { detail: `${Math.round(waited)} s` });
        return;
      }
      case 'wait_apology': {
        if (firstAgent < 0) return;
        const waited = secondsBetween(msgs[firstCustomer].at, msgs[firstAgent].at);
        if (waited === null || waited <= (rule.seconds ?? 60)) return;
        const firstTwo = agents.filter((i) => i >= firstAgent).slice(0, 2);
        if (!firstTwo.some((i) => this.phrase('wait_apology', i).ok)) this.add(rule, firstAgent, null, { detail: `${Math.round(waited)} s` });
        return;
      }
      case 'reply_gap': {
        let worst: { at: number; seconds: number } | null = null;
        let waitingSince = -1;
        for (let i = 0; i < msgs.length; i++) {
          if (msgs[i].role === 'customer' && waitingSince < 0) waitingSince = i;
          if (msgs[i].role === 'agent' && waitingSince >= 0) {
            const gap = secondsBetween(msgs[waitingSince].at, msgs[i].at);
            if (gap !== null && gap > (rule.seconds ?? 180) && (!worst || gap > worst.seconds)) worst = { at: i, seconds: gap };
            waitingSince = -1;
          }
        }
        if (worst) this.add(rule, worst.at, null, { detail: `${Math.round(worst.seconds)} s` });
        return;
      }
      case 'unanswered_at_close': {
        const last = [...msgs.keys()].reverse().find((i) => msgs[i].role !== 'system');
        if (last === undefined || msgs[last].role !== 'customer') return;
        // customers' last words that need no answer: thanks, bye, ok
        let start = last;
        while (start > 0 && msgs[start - 1].role === 'customer') start--;
        const asks = [...Array(last - start + 1).keys()].map((k) => start + k).filter((i) => !this.phrase('customer_done', i).ok);
        if (asks.length > 0) this.add(rule, asks[asks.length - 1]);
        return;
      }
      case 'identity_refused': {
        for (const i of customers) {
          if (!this.phrase('asks_identity', i).ok) continue;
          const reply = this.nextOf('agent', i);
          if (reply >= 0 && !this.phrase('identify', reply).ok) {
            this.add(rule, reply);
            return;
          }
        }
        return;
      }
      case 'empathy_first': {
        for (const i of customers) {
          const e = this.t.analyses[i]?.emotion;
          // anger, or strong dissatisfaction or worry (a customer who is only a little disappointed can be answered on the matter)
          const upset = (e && (e.label === 'anger' || (e.label !== 'satisfaction' && e.label !== 'neutral' && e.intensity >= 0.7))) || this.phrase('upset', i).ok;
          if (!upset) continue;
          const reply = this.nextOf('agent', i);
          // the customer's next lines before the reply are the same outburst
          if (reply >= 0 && !this.phrase('empathy', reply).ok) {
            this.add(rule, reply);
            return;
          }
        }
        return;
      }
      case 'complaint_steps': {
        if (!this.t.closed || agents.length === 0) return;
        // a complaint contact: the customer came to complain (their first line), or accuses in so many words
        const complaint = customers.some((i, k) => {
          const a = this.t.analyses[i];
          return (k === 0 && a?.intent.label === 'complaint' && a.intent.confidence >= 0.7) || this.phrase('complaint', i).ok;
        });
        if (!complaint) return;
        const missing: string[] = [];
        if (!agents.some((i) => this.phrase('empathy', i).ok)) missing.push('2 平息');
        if (!agents.some((i) => this.phrase('fact_question', i).ok)) missing.push('3 澄清');
        if (!agents.some((i) => this.phrase('remedy', i).ok)) missing.push('4 探讨');
        if (!agents.slice(-2).some((i) => this.phrase('thanks_end', i).ok)) missing.push('6 感谢');
        if (missing.length) this.add(rule, null, null, { detail: missing.join('、') });
        return;
      }
      case 'order_confirm': {
        // an order or booking: asked for in so many words, or what the customer came for (their first lines)
        const ordering = customers.some((i, k) => {
          const a = this.t.analyses[i];
          return (k < 2 && a?.intent.label === 'order' && a.intent.confidence >= 0.8) || this.phrase('order_request', i).ok;
        });
        if (!ordering || agents.length === 0) return;
        // only an order the agent placed needs the read-back ("before it is placed"): a customer told
        // how to do it themselves, or who did not go ahead, has nothing to confirm (a pack without
        // the order_placed list judges every ordering conversation, as before)
        if (this.c.phrases.has('order_placed') && !agents.some((i) => this.phrase('order_placed', i).ok)) return;
        if (!agents.some((i) => this.phrase('confirm_details', i).ok)) this.add(rule, null);
        return;
      }
      case 'closed_question': {
        if (!this.t.closed || agents.length === 0) return;
        const asked = agents.filter((i) => this.phrase('question', i).ok);
        const last = asked[asked.length - 1];
        if (last === undefined || !this.phrase('closed_question', last).ok) this.add(rule, null);
        return;
      }
      case 'unrelated_handling': {
        if (customers.length === 0 || agents.length === 0) return;
        // what the customer came for: their first line that is more than a hello
        const first = customers.find((i) => !this.phrase('customer_hello', i).ok);
        if (first === undefined) return;
        const a = this.t.analyses[first];
        if (!((a?.intent.label === 'unrelated' && a.intent.confidence >= 0.5) || this.phrase('unrelated', first).ok)) return;
        const askedPurpose = agents.some((i) => this.phrase('ask_purpose', i).ok);
        const endedPolitely = agents.some((i) => this.phrase('anything_else', i).ok) && agents.slice(-2).some((i) => this.phrase('farewell', i).ok);
        if (!askedPurpose && !endedPolitely) this.add(rule, null);
        return;
      }
    }
  }
}
