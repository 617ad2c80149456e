import { h } from './dom';
import type { Texts } from './i18n';
import type { CustomerTicket } from './types';

/**
 * 我的工单 in the widget: the visitor's tickets, their status and the agents' public
 * replies, and 确认已解决 on a ticket not confirmed yet (the complaint method asks for the
 * customer's confirmation, METHOD.md §4). It renders what it is given and reports the
 * button; chat.ts fetches. Text goes in as text nodes only (dom.ts).
 */
export class TicketsPane {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;

  constructor(
    private readonly t: Texts,
    private readonly on: { back(): void; confirm(id: number): Promise<boolean> },
    private readonly timeOf: (iso: string) => string,
  ) {
    this.list = h('div', { class: 'tl', role: 'list' });
    this.el = h(
      'div',
      { class: 'tk', 'data-zk': 'tickets-pane', hidden: true },
      h('button', { class: 'more tb', type: 'button', 'data-zk': 'tickets-back', onclick: () => this.on.back() }, `← ${t.backToChat}`),
      this.list,
    );
  }

  render(tickets: CustomerTicket[]): void {
    const { t } = this;
    this.list.replaceChildren(...(tickets.length ? tickets.map((x) => this.row(x)) : [h('div', { class: 'mt' }, t.noTickets)]));
  }

  private row(x: CustomerTicket): HTMLElement {
    const { t } = this;
    const status = h('span', { class: `ts s-${x.status}`, 'data-zk': 'ticket-status' }, t.ticketStatus[x.status] ?? x.status);
    const replies = x.replies.length
      ? x.replies.map((r) => h('div', { class: 'tr' }, h('div', { class: 'mt' }, `${r.agent ? (r.agent.agentNo ? `${r.agent.agentNo} ${r.agent.name}` : r.agent.name) : t.agent} · ${this.timeOf(r.createdAt)}`), h('div', { class: 'bb' }, r.body)))
      : [h('div', { class: 'mt' }, t.ticketWaiting)];
    const foot = x.confirmedAt
      ? h('div', { class: 'mt', 'data-zk': 'ticket-confirmed' }, t.ticketConfirmed)
      : x.canConfirm
        ? h('button', { class: 'th tc', type: 'button', 'data-zk': 'ticket-confirm' }, t.confirmSolved)
        : null;
    if (foot instanceof HTMLButtonElement) {
      foot.addEventListener('click', async () => {
        foot.disabled = true;
        if (!(await this.on.confirm(x.id))) foot.disabled = false;
      });
    }
    return h(
      'div',
      { class: 'ti2', role: 'listitem', 'data-zk': 'ticket', 'data-ticket-id': x.id },
      h('div', { class: 'th2' }, h('span', { class: 'tn' }, `${t.ticketNo(x.id)} ${x.subject}`), status),
      ...replies,
      foot,
    );
  }
}
