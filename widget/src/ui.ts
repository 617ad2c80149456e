import { readableOn } from '../../src/core/contrast';
import { MAX_MESSAGE_CHARS } from '../../src/core/limits';
import { codePointLength } from '../../src/core/text';
import { h, icon, linkify } from './dom';
import { ACCEPT } from './files';
import type { Texts } from './i18n';
import { PreChatForm } from './prechat';
import { TicketsPane } from './tickets';
import type { QueueSpot } from './store';
import { CSS } from './styles';
import type { Assignee, AttachmentRef, CustomerTicket, Invite, Message, PreChat, PreChatAnswers, SenderType, WidgetConfig } from './types';

const EMOJI = '😀 😂 🤣 😊 😍 🥰 😘 😉 😎 🤔 😅 😭 😢 😡 😱 😴 🙄 😏 😳 🥺 👍 👎 👌 👏 🙏 💪 🤝 ✌️ 👋 ❤️ 💔 🎉 🌹 🔥 ⭐ ✅ ❌ ❓ 💯 ☕'.split(' ');

export type OwnState = 'sending' | 'sent' | 'failed';

export interface ViewHandlers {
  /** The visitor pressed send; false keeps the text in the input (it was refused). */
  send(text: string): boolean;
  files(files: File[]): void;
  /** Input changed; `empty` when the visitor cleared it. */
  typing(empty: boolean): void;
  retry(cid: string): void;
  toggled(open: boolean): void;
  reconnect(): void;
  earlier(): void;
  /** The pre-chat form is filled in; `typed`: the composer holds a message that is sent next. */
  prechat(answers: PreChatAnswers, typed: boolean): void;
  leaveQueue(): void;
  toHuman(): void;
  invite(accept: boolean): void;
  /** The visitor picked one of the bot's "您是不是想问" choices. */
  choose(conversationId: number, articleId: number): void;
  /** 有帮助 / 没帮助 on one of the bot's answers; resolves false when it was not recorded. */
  feedback(conversationId: number, messageId: number, helpful: boolean): Promise<boolean>;
  /** 我的工单 was opened: fetch the tickets (and call `tickets`). */
  openTickets(): void;
  /** 确认已解决 on a ticket; resolves false when it was not recorded. */
  confirmTicket(id: number): Promise<boolean>;
  /** 结束会话, confirmed. */
  endChat(): void;
  /** The rating card for a message (满意度 request), or null: shown under the message. */
  csat(m: Message): HTMLElement | null;
}

/** A local file shown before its upload finished. */
export interface Preview {
  /** Object URL of an image; null for other files (nothing to show yet). */
  url: string | null;
  name: string;
  type: string;
  size: number;
}

/** One message in the list. Order is (conversation, seq); own messages not stored yet have seq ∞ and stay last. */
interface Row {
  el: HTMLElement;
  conv: number;
  seq: number;
}

const INF = Number.POSITIVE_INFINITY;
const LIMIT_HINT_FROM = MAX_MESSAGE_CHARS - 500;

const pad = (n: number) => (n < 10 ? '0' : '') + n;

function timeOf(iso: string | number): string {
  const d = new Date(iso);
  if (isNaN(+d)) return '';
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return d.toDateString() === new Date().toDateString() ? hm : `${d.getMonth() + 1}-${pad(d.getDate())} ${hm}`;
}

const sizeOf = (b: number) => (b < 1024 * 1024 ? `${Math.max(1, Math.round(b / 1024))} KB` : `${(b / 1024 / 1024).toFixed(1)} MB`);

/**
 * The widget's DOM, in an open shadow root. It renders and orders messages and
 * reports what the visitor does; it knows nothing about the network. All content
 * goes in as text nodes (see dom.ts): a message like `<img src=x onerror=…>` shows as typed.
 */
export class View {
  readonly host: HTMLElement;
  isOpen = false;
  private readonly shadow: ShadowRoot;
  private readonly root: HTMLElement;
  private readonly launcher: HTMLButtonElement;
  private readonly badgeEl: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly avatar: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly sub: HTMLElement;
  private readonly dot: HTMLElement;
  private readonly subText: HTMLElement;
  private readonly agentEl: HTMLElement;
  private readonly offline: HTMLElement;
  private readonly conn: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly moreBtn: HTMLButtonElement;
  /** The 欢迎语 before the conversation exists; then it is the conversation's first message. */
  private readonly greetEl: HTMLElement;
  private readonly greetName: HTMLElement;
  private readonly greetText: HTMLElement;
  private readonly list: HTMLElement;
  private readonly typingEl: HTMLElement;
  private readonly endedEl: HTMLElement;
  private readonly picker: HTMLElement;
  private readonly emojiBtn: HTMLButtonElement;
  private readonly noticeEl: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendBtn: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private readonly queueEl: HTMLElement;
  private readonly queueText: HTMLElement;
  private readonly toHumanBtn: HTMLButtonElement;
  private readonly composer: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly ticketsBtn: HTMLButtonElement;
  private readonly ticketsPane: TicketsPane;
  private readonly endBtn: HTMLButtonElement;
  private readonly endEl: HTMLElement;
  private form: PreChatForm | null = null;
  private inviteEl: HTMLElement | null = null;
  /** The automatic invitation's greeting: a local line, until the conversation it leads to exists. */
  private localRow: Row | null = null;
  private readonly rows: Row[] = [];
  private readonly bySeq = new Map<string, Row>();
  private readonly byCid = new Map<string, Row>();
  private readonly dividers = new Map<number, HTMLElement>();
  private cfg: WidgetConfig | null = null;
  private assignee: Assignee | null = null;
  private bot = false;
  /**
   * Whether the visitor follows the end of the list: new content (and an image that
   * finishes loading) keeps it there. Only the visitor scrolling up stops following.
   */
  private atBottom = true;
  private lastTop = 0;
  /** "新消息 ↓": something arrived below while the visitor reads further up. */
  private readonly newHint: HTMLButtonElement;
  /** The connection as the header shows it. */
  private link: 'connecting' | 'up' | 'down' = 'connecting';
  private spot: QueueSpot | null = null;
  private noticeTimer = 0;
  private composing = false;

  constructor(
    private readonly origin: string,
    private readonly t: Texts,
    private readonly on: ViewHandlers,
    /** Status of a conversation, for the divider text between conversations. */
    private readonly statusOf: (conv: number) => string | undefined,
  ) {
    this.host = document.createElement('zhike-widget');
    this.shadow = this.host.attachShadow({ mode: 'open' });

    this.badgeEl = h('span', { class: 'bd', 'data-zk': 'badge', 'aria-hidden': 'true', hidden: true });
    this.launcher = h(
      'button',
      { class: 'l', type: 'button', 'data-zk': 'launcher', 'aria-expanded': 'false', onclick: () => this.toggle() },
      icon('chat', 22),
      h('span', null, t.launcher),
      this.badgeEl,
    );

    this.avatar = h('div', { class: 'av', 'aria-hidden': 'true' });
    this.titleEl = h('div', { class: 'ti' });
    this.dot = h('span', { class: 'dot' });
    this.subText = h('span');
    this.agentEl = h('span', { 'data-zk': 'agent', hidden: true });
    this.sub = h('div', { class: 'st', 'data-zk': 'state' }, this.dot, this.subText, this.agentEl);
    this.offline = h('div', { class: 'of', role: 'note', hidden: true }, t.offlineNotice);
    this.conn = h(
      'div',
      { class: 'cn', 'data-zk': 'status', role: 'status', hidden: true },
      h('span', { class: 'sp' }),
      h('span', null, t.reconnecting),
      h('button', { type: 'button', onclick: () => this.on.reconnect() }, t.reconnectNow),
    );

    this.queueText = h('span');
    this.queueEl = h(
      'div',
      { class: 'of qu', 'data-zk': 'queue', role: 'status', hidden: true },
      this.queueText,
      h('button', { type: 'button', 'data-zk': 'leave-queue', onclick: () => this.on.leaveQueue() }, t.leaveQueue),
    );

    this.moreBtn = h('button', { class: 'more', type: 'button', hidden: true, onclick: () => this.on.earlier() }, t.earlier);
    this.greetName = h('div', { class: 'nm' });
    this.greetText = h('div', { class: 'bb' });
    this.list = h('div', { 'data-zk': 'messages', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages });
    this.typingEl = h(
      'div',
      { class: 'm ty', 'data-zk': 'typing', role: 'status', hidden: true },
      h('div', { class: 'bb', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      h('div', { class: 'mt' }, t.typing),
    );
    this.endedEl = h('div', { class: 'en', 'data-zk': 'ended', role: 'status', hidden: true }, h('div', { class: 'dv' }, t.ended), t.endedHint);
    this.scroller = h(
      'div',
      { class: 'sc' },
      this.moreBtn,
      (this.greetEl = h('div', { class: 'm', 'data-zk': 'greeting', hidden: true }, this.greetName, this.greetText)),
      this.list,
      this.typingEl,
      this.endedEl,
    );
    this.scroller.addEventListener('scroll', () => {
      const s = this.scroller;
      // Our own jump to the end lands after the content may have grown again (an image
      // loaded meanwhile): that is not the visitor leaving the end. Scrolling up is.
      if (s.scrollHeight - s.scrollTop - s.clientHeight < 40) this.atBottom = true;
      else if (s.scrollTop < this.lastTop) this.atBottom = false;
      this.lastTop = s.scrollTop;
      if (this.atBottom) this.newHint.hidden = true;
    });
    // Whatever grows the content (images loading, a form, the typing dots) keeps a follower at the end.
    if (typeof ResizeObserver === 'function') new ResizeObserver(() => this.follow()).observe(this.list);
    this.newHint = h('button', { class: 'nh', type: 'button', 'data-zk': 'new-messages', hidden: true, onclick: () => this.toBottom() }, t.newMessages);

    this.picker = h('div', { class: 'em', role: 'menu', 'aria-label': t.emoji, hidden: true });
    for (const e of EMOJI) {
      this.picker.append(h('button', { type: 'button', role: 'menuitem', 'aria-label': e, onclick: () => this.insert(e) }, e));
    }
    this.emojiBtn = h(
      'button',
      { class: 'ib', type: 'button', 'data-zk': 'emoji', 'aria-label': t.emoji, 'aria-expanded': 'false', onclick: () => this.togglePicker() },
      icon('emoji', 22),
    );
    const file = h('input', {
      type: 'file',
      'data-zk': 'file',
      multiple: true,
      hidden: true,
      tabindex: -1,
      accept: ACCEPT,
    });
    file.addEventListener('change', () => {
      if (file.files?.length) this.on.files(Array.from(file.files));
      file.value = ''; // the same file can be picked again
    });
    this.input = h('textarea', { 'data-zk': 'input', rows: 1, enterkeyhint: 'send', 'aria-label': t.input, placeholder: t.placeholder });
    this.input.addEventListener('input', () => this.changed());
    this.input.addEventListener('keydown', (e) => this.keydown(e));
    // An IME confirms with Enter: that Enter must pick the candidate, never send.
    this.input.addEventListener('compositionstart', () => (this.composing = true));
    this.input.addEventListener('compositionend', () => setTimeout(() => (this.composing = false)));
    this.input.addEventListener('paste', (e) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (files.length) {
        e.preventDefault();
        this.on.files(files);
      }
    });
    this.sendBtn = h('button', { class: 'sd', type: 'button', 'data-zk': 'send', 'aria-label': t.send, disabled: true, onclick: () => this.submit() }, t.send);
    this.noticeEl = h('div', { class: 'nt', 'data-zk': 'notice', role: 'alert', hidden: true });
    this.counter = h('div', { class: 'cc', 'aria-live': 'polite', hidden: true });
    this.toHumanBtn = h('button', { class: 'th', type: 'button', 'data-zk': 'to-human', hidden: true, onclick: () => this.on.toHuman() }, t.toHuman);

    this.ticketsPane = new TicketsPane(t, { back: () => this.showTickets(false), confirm: (id) => this.on.confirmTicket(id) }, timeOf);
    this.ticketsBtn = h('button', { class: 'tkb', type: 'button', 'data-zk': 'tickets', hidden: true, onclick: () => this.showTickets(this.ticketsPane.el.hidden === true) }, t.myTickets);

    this.endBtn = h(
      'button',
      { class: 'x', type: 'button', 'data-zk': 'end-chat', 'aria-label': t.endChat, title: t.endChat, hidden: true, onclick: () => this.confirmEnd(true) },
      icon('end', 20),
    );
    this.endEl = h(
      'div',
      { class: 'of ec', role: 'group', 'aria-label': t.endChat, 'data-zk': 'end-chat-confirm', hidden: true },
      h('span', null, t.endConfirm),
      h('button', { type: 'button', 'data-zk': 'end-chat-cancel', onclick: () => this.confirmEnd(false) }, t.cancel),
      h('button', { class: 'sd', type: 'button', 'data-zk': 'end-chat-ok', onclick: () => (this.confirmEnd(false), this.on.endChat()) }, t.endChat),
    );

    this.panel = h(
      'div',
      { class: 'p', role: 'dialog', 'data-zk': 'panel', hidden: true },
      h(
        'div',
        { class: 'hd' },
        this.avatar,
        h('div', { class: 'hi' }, this.titleEl, this.sub),
        this.ticketsBtn,
        this.endBtn,
        h('button', { class: 'x', type: 'button', 'data-zk': 'close', 'aria-label': t.close, onclick: () => this.close() }, icon('close', 20)),
      ),
      this.offline,
      this.conn,
      this.endEl,
      this.queueEl,
      this.ticketsPane.el,
      (this.stage = h('div', { class: 'sw' }, this.scroller, this.newHint)),
      (this.composer = h(
        'div',
        { class: 'cp' },
        this.picker,
        this.toHumanBtn,
        this.noticeEl,
        h(
          'div',
          { class: 'row' },
          this.emojiBtn,
          h('button', { class: 'ib', type: 'button', 'aria-label': t.attach, onclick: () => file.click() }, icon('image', 22)),
          file,
          this.input,
          this.sendBtn,
        ),
        this.counter,
      )),
    );
    this.panel.addEventListener('click', (e) => {
      const path = e.composedPath();
      if (!this.picker.hidden && !path.includes(this.picker) && !path.includes(this.emojiBtn)) this.togglePicker(false);
    });

    this.root = h('div', { class: 'w', hidden: true }, this.launcher, this.panel);
    this.root.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      if (!this.picker.hidden) this.togglePicker(false);
      else this.close();
    });
    this.shadow.append(h('style', null, CSS), this.root);
  }

  // ── 我的工单 ────────────────────────────────────────────────────────────

  /** The visitor's tickets: the header's 我的工单 shows once they have one. */
  tickets(list: CustomerTicket[]): void {
    this.ticketsBtn.hidden = list.length === 0 && this.ticketsPane.el.hidden;
    this.ticketsPane.render(list);
  }

  private showTickets(on: boolean): void {
    this.ticketsPane.el.hidden = !on;
    this.stage.hidden = on;
    this.composer.hidden = on;
    this.ticketsBtn.setAttribute('aria-expanded', String(on));
    if (on) this.on.openTickets();
    else this.follow();
  }

  // ── header, banners, state ──────────────────────────────────────────────

  config(cfg: WidgetConfig): void {
    this.cfg = cfg;
    const color = /^#[0-9a-f]{6}$/i.test(cfg.color) ? cfg.color : '#1677ff';
    // the inbox colour, darkened if white text on it would miss WCAG AA (or dark text on a light one)
    const { bg, fg, tint } = readableOn(color);
    const s = this.root.style;
    s.setProperty('--c', bg);
    s.setProperty('--f', fg);
    s.setProperty('--t', tint);
    const title = cfg.title || this.t.title;
    this.titleEl.textContent = title;
    this.panel.setAttribute('aria-label', title);
    this.greetName.textContent = title;
    this.greetText.textContent = cfg.greeting ?? '';
    this.greet();
    this.root.hidden = false;
    this.header();
  }

  /**
   * Who answers: the agent serving this conversation (工号 + name), the bot (with
   * a 转人工 button), or the inbox's status (offline: the message becomes a 留言).
   */
  serving(a: Assignee | null, bot: boolean, canHandOff = true): void {
    this.assignee = a;
    this.bot = bot && !a;
    this.toHumanBtn.hidden = !this.bot || !canHandOff;
    this.header();
  }

  /**
   * The header says the real state: connecting or disconnected first (nothing else
   * is true then), then queued (with the place), the agent, the bot, or the inbox's status.
   */
  private header(): void {
    const { assignee: a, bot, cfg, t, link, spot } = this;
    // Older remembered configs have no `answering`.
    const off = !a && !bot && (cfg?.answering ? cfg.answering === 'offline' : cfg?.agentsOnline === 0);
    this.offline.hidden = !off;
    this.input.placeholder = off ? t.placeholderOffline : t.placeholder;
    const state =
      link === 'down' ? 'disconnected' : link === 'connecting' ? 'connecting' : spot ? 'queued' : a ? 'agent' : bot ? 'bot' : off ? 'offline' : 'online';
    this.sub.dataset.state = state;
    this.dot.className = `dot ${state}`;
    this.agentEl.hidden = state !== 'agent' && state !== 'bot';
    this.agentEl.textContent = a ? t.serving(a.name, a.agentNo) : bot ? t.botServing : '';
    this.subText.hidden = !this.agentEl.hidden;
    this.subText.textContent =
      state === 'disconnected'
        ? t.linkDown
        : state === 'connecting'
          ? t.connecting
          : state === 'queued' && spot
            ? t.queued(Math.max(0, spot.position - 1))
            : off
              ? t.offline
              : t.online;
    this.avatar.textContent = Array.from(a?.name || (bot ? t.bot : cfg?.title || t.title))[0] ?? '';
  }

  /** 排队: "您前面还有 N 位"; null hides the bar. */
  queue(q: QueueSpot | null): void {
    const moved = this.spot?.position !== q?.position;
    this.spot = q;
    if (moved) this.header();
    this.queueEl.hidden = !q;
    if (!q) return;
    this.queueEl.dataset.position = String(q.position);
    this.queueText.textContent = q.position <= 1 ? this.t.queueNext : this.t.queue(q.position - 1, Math.max(1, Math.round(q.eta / 60)));
  }

  /** Shows the pre-chat form (kept as typed while it stays), or removes it (null). */
  prechat(p: PreChat | null, prefill: PreChatAnswers = {}): void {
    if (!p) {
      this.form?.el.remove();
      this.form = null;
      return;
    }
    if (this.form) return;
    const f = (this.form = new PreChatForm(this.t, p, prefill, () => {
      const a = f.read();
      if (!a) return;
      this.on.prechat(a, !!this.input.value.trim());
      this.submit();
    }));
    this.scroller.append(f.el);
    this.follow();
  }

  /** The form's answers, or null when they are not valid (or there is no form). */
  readPrechat(): PreChatAnswers | null {
    return this.form?.read() ?? null;
  }

  /**
   * One invitation at a time: a bubble by the launcher while the panel is closed,
   * a card above the composer while it is open. null removes it.
   */
  invite(inv: Invite | null): void {
    this.inviteEl?.remove();
    this.inviteEl = null;
    if (!inv) return;
    const { t } = this;
    const a = inv.agent;
    this.inviteEl = h(
      'div',
      { class: 'iv', role: 'dialog', 'aria-label': t.invitation, 'data-zk': 'invite', 'data-kind': inv.kind },
      a && h('div', { class: 'nm' }, t.invitedBy(a.name, a.agentNo)),
      h('div', { 'data-zk': 'invite-message' }, ...linkify(inv.message)),
      h(
        'div',
        { class: 'ivb' },
        h('button', { type: 'button', 'data-zk': 'invite-dismiss', onclick: () => this.on.invite(false) }, t.dismiss),
        h('button', { class: 'sd', type: 'button', 'data-zk': 'invite-accept', onclick: () => this.on.invite(true) }, t.accept),
      ),
    );
    this.placeInvite();
  }

  private placeInvite(): void {
    const el = this.inviteEl;
    if (!el) return;
    if (this.isOpen) this.composer.prepend(el);
    else this.root.append(el);
  }

  /** 结束会话 is offered while the current conversation is open (not while queued: 结束排队 is). */
  endable(on: boolean): void {
    if (!on && this.shadow.activeElement === this.endBtn) this.input.focus();
    this.endBtn.hidden = !on;
    if (!on && !this.endEl.hidden) this.confirmEnd(false);
  }

  private confirmEnd(show: boolean): void {
    this.endEl.hidden = !show;
    if (show) (this.endEl.querySelector('button') as HTMLElement).focus();
    else if (this.shadow.activeElement && !this.endBtn.hidden) this.endBtn.focus();
  }

  connection(down: boolean): void {
    this.conn.hidden = !down;
  }

  /** The socket's state, for the header: connecting (first time), up, or down (lost, reconnecting). */
  linkState(s: 'connecting' | 'up' | 'down'): void {
    if (this.link === s) return;
    this.link = s;
    this.header();
  }

  typing(on: boolean): void {
    if (this.typingEl.hidden !== on) return;
    this.typingEl.hidden = !on;
    this.follow();
  }

  ended(on: boolean): void {
    if (this.endedEl.hidden !== on) return;
    this.endedEl.hidden = !on;
    this.follow();
  }

  badge(n: number): void {
    this.badgeEl.hidden = n === 0;
    this.badgeEl.textContent = n > 99 ? '99+' : String(n);
    // no unread: the visible text is the name; with unread, a name that starts with it
    if (n) this.launcher.setAttribute('aria-label', this.t.launcherUnread(n));
    else this.launcher.removeAttribute('aria-label');
  }

  earlier(show: boolean): void {
    this.moreBtn.hidden = !show;
  }

  notice(text: string): void {
    this.noticeEl.textContent = text;
    this.noticeEl.hidden = false;
    clearTimeout(this.noticeTimer);
    this.noticeTimer = window.setTimeout(() => (this.noticeEl.hidden = true), 6000);
  }

  // ── open / close ────────────────────────────────────────────────────────

  open(): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.panel.hidden = false;
    this.root.classList.add('o');
    this.launcher.setAttribute('aria-expanded', 'true');
    this.placeInvite();
    this.toBottom();
    this.input.focus();
    this.on.toggled(true);
  }

  close(): void {
    if (!this.isOpen) return;
    // Give focus back to the launcher only if it was in the panel: a close() from the host page must not steal it.
    const hadFocus = this.shadow.activeElement !== null;
    this.isOpen = false;
    this.togglePicker(false);
    this.panel.hidden = true;
    this.root.classList.remove('o');
    this.launcher.setAttribute('aria-expanded', 'false');
    this.placeInvite();
    if (hadFocus) this.launcher.focus();
    this.on.toggled(false);
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  // ── messages ────────────────────────────────────────────────────────────

  /**
   * Shows a stored message once. 'dup': already shown (same conversation and seq).
   * 'own': it is one of ours shown while sending (same clientMessageId), now confirmed.
   */
  upsert(m: Message): 'new' | 'dup' | 'own' {
    const key = `${m.conversationId}:${m.seq}`;
    if (this.bySeq.has(key)) return 'dup';
    const mine = m.clientMessageId ? this.byCid.get(m.clientMessageId) : undefined;
    if (mine) {
      // The server's version replaces the local preview (attachment URLs) and takes its place in the order.
      const old = mine.el.querySelector('.bb');
      old?.querySelectorAll('img').forEach((i) => i.src.startsWith('blob:') && URL.revokeObjectURL(i.src));
      old?.replaceWith(this.bubble(m.content, m.attachments));
      this.setState(mine.el, 'sent');
      mine.el.dataset.seq = String(m.seq);
      this.bySeq.set(key, mine);
      this.place(mine, m.conversationId, m.seq);
      this.greet();
      return 'own';
    }
    const el = this.message(m.senderType, m.senderName, m.content, m.attachments, m.createdAt);
    if (m.senderType === 'bot' && m.meta?.bot) this.botExtras(el, m);
    const card = m.meta && this.on.csat(m);
    if (card) el.lastElementChild?.before(card);
    el.dataset.seq = String(m.seq);
    if (m.senderType === 'customer') this.setState(el, 'sent');
    const row: Row = { el, conv: 0, seq: 0 };
    this.bySeq.set(key, row);
    if (m.clientMessageId) this.byCid.set(m.clientMessageId, row);
    this.place(row, m.conversationId, m.seq);
    this.greet();
    if (!this.atBottom && this.isOpen) this.newHint.hidden = false;
    return 'new';
  }

  /**
   * One 欢迎语: the inbox's (the server's) welcome, shown here until a conversation
   * exists; from then on its first message says it, as the agent's transcript shows.
   */
  private greet(): void {
    this.greetEl.hidden = !this.cfg?.greeting?.trim() || this.bySeq.size > 0;
  }

  /** Another user logged in on this browser: nothing of the last one's stays on screen. */
  clear(): void {
    this.list.textContent = '';
    this.rows.length = 0;
    this.bySeq.clear();
    this.byCid.clear();
    this.dividers.clear();
    this.localRow = null;
    this.earlier(false);
    this.typing(false);
    this.ended(false);
    this.invite(null);
    this.showTickets(false);
    this.tickets([]);
    this.greet();
  }

  /** One of ours, shown at once while it is sent. `conv` null: it will start a new conversation. */
  pending(cid: string, conv: number | null, content: string, attachments: AttachmentRef[], preview?: Preview): void {
    const el = this.message('customer', null, content, attachments, Date.now(), preview);
    this.setState(el, 'sending', preview && !attachments.length ? this.t.uploading : this.t.sending);
    const row: Row = { el, conv: 0, seq: 0 };
    this.byCid.set(cid, row);
    this.place(row, conv ?? INF, INF);
    this.toBottom();
  }

  has(cid: string): boolean {
    return this.byCid.has(cid);
  }

  /** A line shown here only (an automatic invitation's greeting): it opens the next conversation. */
  local(text: string): void {
    const el = this.message('agent', this.cfg?.title || this.t.title, text, [], Date.now());
    el.dataset.sender = 'local';
    let top = 0;
    for (const r of this.rows) if (r.conv < INF && r !== this.localRow) top = Math.max(top, Math.floor(r.conv));
    this.localRow?.el.remove();
    if (this.localRow) this.rows.splice(this.rows.indexOf(this.localRow), 1);
    this.localRow = { el, conv: 0, seq: 0 };
    this.place(this.localRow, top + 0.5, 0);
  }

  /** The conversation after the local line exists now: the line becomes its start. */
  adoptLocal(conv: number): void {
    const r = this.localRow;
    if (r && conv > r.conv) {
      this.localRow = null;
      this.place(r, conv, 0);
    }
  }

  /** `retry` set: failed but being retried (the visitor may press retry); unset: refused for good. */
  own(cid: string, state: OwnState, label?: string, retry?: boolean): void {
    const row = this.byCid.get(cid);
    if (row && row.el.dataset.state !== 'sent') this.setState(row.el, state, label, retry ? cid : undefined);
  }

  /** Prepends older history without making the visible messages jump. */
  keepPosition(fn: () => void): void {
    const s = this.scroller;
    const fromEnd = s.scrollHeight - s.scrollTop;
    fn();
    s.scrollTop = s.scrollHeight - fromEnd;
  }

  private setState(el: HTMLElement, state: OwnState, label?: string, retryCid?: string): void {
    el.dataset.state = state;
    const meta = el.lastElementChild as HTMLElement;
    const time = meta.firstChild as Node;
    meta.textContent = '';
    meta.append(time);
    if (label) meta.append(h('span', null, label));
    if (retryCid) meta.append(h('button', { type: 'button', onclick: () => this.on.retry(retryCid) }, this.t.retry));
  }

  private message(sender: SenderType, name: string | null, content: string, atts: AttachmentRef[], at: string | number, preview?: Preview): HTMLElement {
    const el = h('div', { class: `m${sender === 'customer' ? ' me' : sender === 'system' ? ' sys' : ''}`, 'data-zk': 'message', 'data-sender': sender });
    if (sender === 'agent' || sender === 'bot') el.append(h('div', { class: 'nm' }, name || (sender === 'bot' ? this.t.bot : this.t.agent)));
    el.append(this.bubble(content, atts, preview), h('div', { class: 'mt' }, h('time', null, timeOf(at))));
    return el;
  }

  /**
   * Under a bot message: its "您是不是想问" choices as buttons (one click answers), or 有帮助 /
   * 没帮助 under an answer from the knowledge base (pressed state shown; changeable).
   */
  private botExtras(el: HTMLElement, m: Message): void {
    const bot = m.meta!.bot!;
    const time = el.lastElementChild;
    if (bot.kind === 'choices' && bot.choices?.length) {
      const group = h('div', { class: 'chs', role: 'group', 'aria-label': this.t.didYouMean, 'data-zk': 'choices' });
      for (const c of bot.choices) {
        group.append(h('button', { type: 'button', class: 'chip', 'data-zk': 'choice', onclick: () => this.on.choose(m.conversationId, c.articleId) }, c.question));
      }
      time?.before(group);
    } else if (bot.kind === 'answer') {
      const label = h('span', null, this.t.helpfulQuestion);
      const rate = (helpful: boolean) => async () => {
        const ok = await this.on.feedback(m.conversationId, m.id, helpful);
        if (!ok) return;
        yes.setAttribute('aria-pressed', String(helpful));
        no.setAttribute('aria-pressed', String(!helpful));
        label.textContent = this.t.thanksForFeedback;
      };
      const yes: HTMLButtonElement = h('button', { type: 'button', class: 'fbb', 'data-zk': 'helpful', 'aria-pressed': 'false', onclick: rate(true) }, this.t.helpful);
      const no: HTMLButtonElement = h('button', { type: 'button', class: 'fbb', 'data-zk': 'not-helpful', 'aria-pressed': 'false', onclick: rate(false) }, this.t.notHelpful);
      time?.before(h('div', { class: 'fb', role: 'group', 'aria-label': this.t.helpfulQuestion, 'data-zk': 'feedback' }, label, yes, no));
    }
  }

  private bubble(content: string, atts: AttachmentRef[], preview?: Preview): HTMLElement {
    const b = h('div', { class: `bb${content ? '' : ' pic'}` });
    if (content) b.append(h('div', { 'data-zk': 'text' }, ...linkify(content)));
    for (const a of atts) b.append(this.attachment(this.abs(a.url), a.name, a.contentType, a.size));
    if (preview) b.append(this.attachment(preview.url, preview.name, preview.type, preview.size));
    return b;
  }

  /** Server-relative attachment URLs become absolute on the widget's origin; anything else is not a link. */
  private abs(url: string): string | null {
    if (/^\/[^/\\]/.test(url)) return this.origin + url;
    return /^https?:\/\//i.test(url) ? url : null;
  }

  private attachment(url: string | null, name: string, type: string, size: number): HTMLElement {
    const link = url ? { href: url, target: '_blank', rel: 'noopener noreferrer' } : {};
    if (type.startsWith('image/') && url) {
      const img = h('img', { 'data-zk': 'image', src: url, alt: name || this.t.image });
      img.addEventListener('load', () => this.follow());
      return h('a', link, img);
    }
    return h('a', { ...link, class: 'fl' }, icon('file', 22), h('span', null, name), h('small', null, sizeOf(size)));
  }

  /** Puts a row in (conversation, seq) order; usually that is simply the end. */
  private place(row: Row, conv: number, seq: number): void {
    const follow = this.atBottom;
    const at = this.rows.indexOf(row);
    if (at >= 0) this.rows.splice(at, 1);
    row.conv = conv;
    row.seq = seq;
    let i = this.rows.length;
    while (i > 0 && (this.rows[i - 1].conv > conv || (this.rows[i - 1].conv === conv && this.rows[i - 1].seq > seq))) i--;
    const next = this.rows[i];
    this.rows.splice(i, 0, row);
    if (next) next.el.before(row.el);
    else this.list.append(row.el);
    this.divide();
    if (follow) this.toBottom();
  }

  /** A divider before the first message of every conversation but the first one shown. */
  private divide(): void {
    let prev: number | null = null;
    const keep = new Set<number>();
    for (const r of this.rows) {
      if (prev !== null && r.conv !== prev) {
        let d = this.dividers.get(r.conv);
        if (!d) this.dividers.set(r.conv, (d = h('div', { class: 'dv', role: 'separator' })));
        d.textContent = this.statusOf(prev) === 'resolved' ? this.t.ended : this.t.newConversation;
        if (r.el.previousSibling !== d) r.el.before(d);
        keep.add(r.conv);
      }
      prev = r.conv;
    }
    for (const [conv, d] of this.dividers) {
      if (!keep.has(conv)) {
        d.remove();
        this.dividers.delete(conv);
      }
    }
  }

  /** Re-labels the dividers after a conversation's status changed. */
  refresh(): void {
    this.divide();
  }

  private follow(): void {
    if (this.atBottom) this.toBottom();
  }

  toBottom(): void {
    this.scroller.scrollTop = this.scroller.scrollHeight;
    this.lastTop = this.scroller.scrollTop;
    this.atBottom = true;
    this.newHint.hidden = true;
  }

  // ── composer ────────────────────────────────────────────────────────────

  focus(): void {
    this.input.focus();
  }

  private keydown(e: KeyboardEvent): void {
    // isComposing / 229: the Enter that confirms a Chinese IME candidate (Safari reports only the keyCode).
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing || e.keyCode === 229 || this.composing) return;
    e.preventDefault();
    this.submit();
  }

  private submit(): void {
    const text = this.input.value;
    if (!text.trim() || !this.on.send(text)) return;
    this.input.value = '';
    this.changed(true);
    this.togglePicker(false);
    this.toBottom();
  }

  private changed(sent = false): void {
    const ta = this.input;
    // code points, as the server counts them (an emoji is one character, not two)
    const n = codePointLength(ta.value);
    ta.style.height = '';
    ta.style.height = `${Math.min(ta.scrollHeight, 120)}px`;
    this.sendBtn.disabled = !ta.value.trim();
    this.counter.hidden = n < LIMIT_HINT_FROM;
    this.counter.textContent = `${n} / ${MAX_MESSAGE_CHARS}`;
    this.counter.classList.toggle('over', n > MAX_MESSAGE_CHARS);
    if (!sent) this.on.typing(n === 0);
  }

  private insert(text: string): void {
    const ta = this.input;
    ta.focus();
    ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, 'end');
    this.changed();
  }

  private togglePicker(show = this.picker.hidden): void {
    this.picker.hidden = !show;
    this.emojiBtn.setAttribute('aria-expanded', String(show));
  }
}
