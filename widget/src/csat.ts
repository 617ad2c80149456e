import { MAX_COMMENT_CHARS, type CsatRequestMeta, type CustomerRating } from '../../src/core/csat/rating';
import { asApiError } from './api';
import { h } from './dom';
import type { Texts } from './i18n';
import type { Message } from './types';

/*
 * 满意度评价 in the widget: the card under the server's request message (a system message
 * whose meta.csat.kind is 'request'), five scores, the inbox's reason chips, a comment,
 * 提交评价; then the inbox's thanks with the score, and 修改评价 while the rating may still
 * change (24 h). It renders and reports; the calls go through a `RatingPort` (chat.ts wires the API).
 * Text goes in as text nodes only (dom.ts).
 *
 * The request's shape and the customer's view of a rating are the core's (src/core/csat/rating.ts).
 */

/** meta.csat of the request message: labels[0] names score 1 (非常不满意) … labels[4] score 5 (非常满意). */
export type CsatRequest = CsatRequestMeta;

/** The visitor's rating, as GET / POST …/conversations/{id}/rating give it (label and reasons in their language). */
export type { CustomerRating };

export interface RatingBody {
  score: number;
  reasons?: string[];
  comment?: string;
}

/** The calls a card makes. */
export interface RatingPort {
  get(conversationId: number): Promise<CustomerRating | null>;
  post(conversationId: number, body: RatingBody): Promise<CustomerRating>;
}

/** The request in a message's meta, or null (any other message, or an older server). */
export function csatRequest(m: Pick<Message, 'meta'>): CsatRequest | null {
  const c = m.meta?.csat;
  return c && c.kind === 'request' && Array.isArray(c.labels) ? c : null;
}

/** The rating cards shown, one per conversation (the server sends at most one request each). */
export class Ratings {
  private readonly cards = new Map<number, Card>();

  constructor(
    private readonly t: Texts,
    private readonly port: RatingPort,
  ) {}

  /** The card for a request message; null for any other message. */
  card(m: Message): HTMLElement | null {
    const req = csatRequest(m);
    if (!req) return null;
    const card = new Card(this.t, m.conversationId, req, this.port);
    this.cards.set(m.conversationId, card);
    card.load();
    return card.el;
  }

  /** Another user logged in: the cards shown were the last one's. */
  clear(): void {
    this.cards.clear();
  }

  /** After a reconnect: a rating given meanwhile (another tab) shows. */
  refresh(): void {
    this.cards.forEach((c) => c.load());
  }
}

/** Replaces an element's content; false and null leave nothing (replaceChildren would write them as text). */
const put = (el: HTMLElement, ...kids: (Node | false | null)[]) => el.replaceChildren(...(kids.filter(Boolean) as Node[]));

class Card {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly err: HTMLElement;
  private rating: CustomerRating | null = null;
  private score = 0;
  private picked = new Set<string>();
  /** The visitor is filling the form in: a late GET must not wipe it. */
  private dirty = false;
  /** The server said the rating can no longer change. */
  private closed = false;
  /** The reasons this page sent, as the chips say them (the server answers in the same words). */
  private sent: string[] | null = null;

  constructor(
    private readonly t: Texts,
    private readonly conv: number,
    private readonly req: CsatRequest,
    private readonly port: RatingPort,
  ) {
    this.body = h('div');
    this.err = h('div', { class: 'nt', role: 'alert', 'data-zk': 'csat-error', hidden: true });
    this.el = h('div', { class: 'cs', role: 'group', 'aria-label': t.rateService, 'data-zk': 'csat-card', 'data-conversation-id': conv }, this.body, this.err);
    this.form();
  }

  load(): void {
    this.port.get(this.conv).then(
      (r) => {
        if (r && !this.dirty) this.done(r);
      },
      () => {}, // offline: the form stays; the next reconnect asks again
    );
  }

  private label(n: number): string {
    return this.req.labels[n - 1] ?? String(n);
  }

  private error(text: string): void {
    this.err.textContent = text;
    this.err.hidden = !text;
  }

  /** Five scores, the reasons, the comment, 提交评价; prefilled when changing a rating. */
  private form(): void {
    const { t, req } = this;
    const r = this.rating;
    this.score = r?.score ?? 0;
    // only reasons a chip shows: what is sent is what the visitor sees pressed
    this.picked = new Set((this.sent ?? r?.reasons ?? []).filter((x) => req.reasons.includes(x)));
    const label = h('div', { class: 'csl', 'data-zk': 'csat-label' });
    const paint = (n: number) => {
      stars.forEach((b, i) => {
        b.textContent = i < n ? '★' : '☆';
        b.classList.toggle('on', i < n);
      });
      label.textContent = n ? this.label(n) : t.pickScore;
    };
    const stars = [1, 2, 3, 4, 5].map((n) => {
      const b = h(
        'button',
        {
          type: 'button',
          class: 'sta',
          'data-zk': `csat-score-${n}`,
          'aria-label': t.scoreName(n, this.label(n)),
          'aria-pressed': String(n === this.score),
          onclick: () => {
            this.score = n;
            this.dirty = true;
            stars.forEach((s, i) => s.setAttribute('aria-pressed', String(i + 1 === n)));
            paint(n);
            submit.disabled = false;
          },
        },
        '☆',
      );
      b.addEventListener('mouseenter', () => paint(n));
      b.addEventListener('focus', () => paint(n));
      return b;
    });
    const row = h('div', { role: 'group', 'aria-label': t.rateService }, ...stars);
    row.addEventListener('mouseleave', () => paint(this.score));
    row.addEventListener('focusout', () => paint(this.score));
    const reasons = req.reasons.length
      ? h(
          'div',
          { class: 'csr', role: 'group', 'aria-label': t.reasons },
          ...req.reasons.map((x) =>
            h(
              'button',
              {
                type: 'button',
                class: 'chip',
                'data-zk': 'csat-reason',
                'aria-pressed': String(this.picked.has(x)),
                onclick: (e) => {
                  const on = !this.picked.delete(x);
                  if (on) this.picked.add(x);
                  (e.currentTarget as HTMLElement).setAttribute('aria-pressed', String(on));
                  this.dirty = true;
                },
              },
              x,
            ),
          ),
        )
      : null;
    const comment = h('textarea', { 'data-zk': 'csat-comment', rows: 2, maxlength: MAX_COMMENT_CHARS, 'aria-label': t.comment, placeholder: t.commentPh });
    comment.value = r?.comment ?? '';
    comment.addEventListener('input', () => (this.dirty = true));
    const submit: HTMLButtonElement = h(
      'button',
      { class: 'sd', type: 'button', 'data-zk': 'csat-submit', disabled: !this.score, onclick: () => void this.submit(submit, comment.value) },
      t.submitRating,
    );
    put(this.body, row, label, reasons, comment, submit);
    paint(this.score);
  }

  private async submit(button: HTMLButtonElement, comment: string): Promise<void> {
    if (!this.score) return;
    button.disabled = true;
    this.error('');
    const body: RatingBody = { score: this.score, reasons: [...this.picked] };
    const text = comment.trim();
    // changing a rating that had a comment: an emptied box clears it
    if (text || this.rating?.comment) body.comment = text;
    try {
      const r = await this.port.post(this.conv, body);
      this.sent = body.reasons ?? null;
      this.dirty = false;
      this.done(r, true);
    } catch (e) {
      const code = asApiError(e).code;
      this.error(this.t.ratingError(code));
      if (code === 'rating_closed') {
        this.closed = true;
        this.dirty = false;
        if (this.rating) this.done(this.rating);
        else this.body.replaceChildren();
      } else button.disabled = false;
    }
  }

  /** The inbox's thanks and the score given; 修改评价 while it may change. */
  private done(r: CustomerRating, focus = false): void {
    const { t } = this;
    this.rating = r;
    const thanks = h('div', { class: 'cst', 'data-zk': 'csat-thanks', tabindex: -1 }, this.req.thanks || t.thanksForRating);
    const open = !this.closed && Date.now() < Date.parse(r.changeableUntil);
    put(
      this.body,
      thanks,
      h(
        'div',
        { 'data-zk': 'csat-result', 'data-score': r.score },
        t.yourRating,
        h('span', { class: 'stv', 'aria-hidden': 'true' }, '★'.repeat(r.score) + '☆'.repeat(5 - r.score)),
        ` ${this.label(r.score)}`,
      ),
      open &&
        h(
          'button',
          {
            type: 'button',
            class: 'lk',
            'data-zk': 'csat-change',
            onclick: () => {
              if (Date.now() < Date.parse(r.changeableUntil)) {
                this.error('');
                this.form();
                (this.body.querySelector('[aria-pressed=true]') as HTMLElement | null)?.focus();
                return;
              }
              this.closed = true;
              this.done(r);
              this.error(t.ratingError('rating_closed'));
            },
          },
          t.changeRating,
        ),
    );
    if (focus) thanks.focus();
  }
}
