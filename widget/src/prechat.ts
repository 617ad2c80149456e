import { MAX_NAME_CHARS, MAX_PHONE_CHARS, PHONE_PATTERN } from '../../src/core/limits';
import { h } from './dom';
import type { Texts } from './i18n';
import type { PreChat, PreChatAnswers } from './types';

/**
 * 询前表单: name, phone and topic before the first message of a conversation.
 * Checks what the server checks, so answers are not refused later, when the
 * visitor's message is already on its way. No <form>: Enter confirming an IME
 * candidate in the name field must not submit.
 */
export class PreChatForm {
  readonly el: HTMLElement;
  private readonly fields: [HTMLElement, HTMLElement, () => string | null][] = [];
  private topic: string | null = null;

  constructor(t: Texts, p: PreChat, prefill: PreChatAnswers, submit: () => void) {
    this.el = h('div', { class: 'pc', role: 'form', 'data-zk': 'prechat', 'aria-label': t.preChat }, h('p', null, t.preChat));
    const input = (key: 'name' | 'phone', ph: string, check: (v: string) => string | null = () => null) => {
      const el = h('input', { 'data-zk': `prechat-${key}`, 'aria-label': t[key], placeholder: ph, value: prefill[key] ?? '', maxlength: key === 'phone' ? MAX_PHONE_CHARS : MAX_NAME_CHARS });
      if (key === 'phone') Object.assign(el, { type: 'tel', inputMode: 'tel', autocomplete: 'tel' });
      else el.autocomplete = 'name';
      el.addEventListener('keydown', (e) => {
        if (e.key !== 'Enter' || e.isComposing || e.keyCode === 229) return;
        e.preventDefault(); // else the Enter would press the topic button that takes the focus
        submit();
      });
      this.field(el, () => check(el.value.trim()));
      el.addEventListener('input', () => this.mark(el, null));
    };
    if (p.askName) input('name', t.namePh);
    if (p.askPhone) input('phone', t.phonePh, (v) => (v && !PHONE_PATTERN.test(v) ? t.badPhone : null));
    if (p.topics.length) {
      const group = h('div', { class: 'tp', role: 'group', 'aria-label': t.topic });
      const buttons = p.topics.map((label) =>
        h('button', { type: 'button', 'data-zk': 'prechat-topic', 'data-topic': label, 'aria-pressed': 'false', onclick: () => pick(label) }, label),
      );
      const pick = (label: string) => {
        this.topic = label;
        for (const b of buttons) b.setAttribute('aria-pressed', String(b.dataset.topic === label));
        this.mark(group, null);
      };
      group.append(h('span', null, t.topic), ...buttons);
      this.field(group, () => (this.topic ? null : t.pickTopic));
    }
    this.el.append(h('button', { class: 'sd', type: 'button', 'data-zk': 'prechat-submit', onclick: submit }, t.start));
  }

  /** The answers, or null (with the problems shown, the first one focused) when something is wrong. */
  read(): PreChatAnswers | null {
    let bad: HTMLElement | null = null;
    for (const [el, , check] of this.fields) {
      const msg = check();
      this.mark(el, msg);
      bad ??= msg ? el : null;
    }
    if (bad) {
      (bad.querySelector('button') ?? bad).focus();
      return null;
    }
    const value = (k: string) => this.el.querySelector<HTMLInputElement>(`[data-zk=prechat-${k}]`)?.value.trim() || undefined;
    return { name: value('name'), phone: value('phone'), topic: this.topic ?? undefined };
  }

  private field(el: HTMLElement, check: () => string | null): void {
    const err = h('div', { class: 'nt', 'data-zk': 'prechat-error', role: 'alert', hidden: true });
    this.fields.push([el, err, check]);
    this.el.append(el, err);
  }

  private mark(el: HTMLElement, msg: string | null): void {
    const err = this.fields.find((f) => f[0] === el)?.[1];
    if (!err) return;
    err.textContent = msg ?? '';
    err.hidden = !msg;
    el.setAttribute('aria-invalid', String(!!msg));
  }
}
