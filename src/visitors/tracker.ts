import { runCommand, type CommandContext } from '../commands/context.js';
import { pendingEvent } from '../core/events.js';
import { answerInvitation, inviteAutomatically, inviteByAgent } from '../commands/invitations.js';
import { DomainError } from '../core/errors.js';
import { MAX_PAGE_TITLE_CHARS, MAX_URL_CHARS } from '../core/limits.js';
import { truncateText } from '../core/text.js';
import type { Contact, Inbox } from '../core/model.js';
import { receive } from '../core/reception/reception.js';
import { firstInvitation, type InvitationRule } from '../core/visitors/invitation.js';
import { parseSource } from '../core/visitors/source.js';
import type { PageReport } from '../core/realtime/client-frames.js';
import type { Invitation, LiveVisitor } from '../core/visitors/types.js';

export type { Invitation, LiveVisitor };
import type { RealtimeBus } from '../bus/bus.js';
import { openConversationOf } from '../storage/conversations.js';
import { maybeOne, one } from '../storage/db.js';
import { receptionFacts } from '../storage/reception.js';

/** A page the widget reports (at connect, and on every navigation): the client frames' shape. */
export type { PageReport };

export interface PageView {
  visitId: number;
  pageViewId: number;
  pageViews: number;
  fromSearch: boolean;
  invited: boolean;
  path: string;
}

const iso = (d: Date | string) => new Date(d).toISOString();

/**
 * Visitor tracking (访客浏览痕迹) and invitations (自动邀请 / 主动邀请). The gateway
 * reports pages as widgets connect and navigate; agents read the live list and
 * the trail, and invite visitors.
 */
export class VisitorTracker {
  constructor(
    private readonly ctx: CommandContext,
    private readonly bus: RealtimeBus,
  ) {}

  /** Records a page view (and its visit, with the source of a new visit). */
  async pageView(contact: Contact, inbox: Inbox, page: PageReport): Promise<PageView> {
    const url = truncateText(page.url, MAX_URL_CHARS);
    let path = '/';
    try {
      path = new URL(url).pathname;
    } catch {
      /* keep / */
    }
    if (page.pageKey) {
      // the same page again (the widget reconnected): it is open again, not a new view
      const again = await maybeOne(
        this.ctx.db,
        `UPDATE page_views pv SET ended_at = NULL, heartbeat_at = now() FROM visits v
         WHERE pv.visit_id = v.id AND v.contact_id = $1 AND v.visit_key = $2 AND pv.page_key = $3
         RETURNING pv.id, v.id AS visit_id, v.page_views, v.source_kind, v.invited_at`,
        [contact.id, page.visitKey.slice(0, 64), page.pageKey.slice(0, 64)],
      );
      if (again) {
        void this.announce(inbox.workspaceId, contact.id);
        return { visitId: again.visit_id, pageViewId: again.id, pageViews: again.page_views, fromSearch: again.source_kind === 'search', invited: again.invited_at !== null, path };
      }
    }
    const src = parseSource(url, page.referrer ?? null);
    // a new visit is logged (visit.started: the reports' unique visitors); its further pages are not
    const { visit, pv } = await runCommand(this.ctx, async (sql) => {
      const visit = await one(
        sql,
        `INSERT INTO visits (workspace_id, inbox_id, contact_id, visit_key, source_kind, source_name, search_keyword, referrer, landing_page, utm, page_views)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, 1)
         ON CONFLICT (contact_id, visit_key) DO UPDATE SET page_views = visits.page_views + 1, last_seen_at = now()
         RETURNING id, page_views, source_kind, invited_at, started_at, (xmax = 0) AS inserted`,
        [inbox.workspaceId, inbox.id, contact.id, page.visitKey.slice(0, 64), src.kind, src.name, src.keyword, src.referrer, src.landingPage, JSON.stringify(src.utm)],
      );
      const pv = await one(
        sql,
        'INSERT INTO page_views (workspace_id, visit_id, contact_id, url, title, page_key) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [inbox.workspaceId, visit.id, contact.id, url, page.title === undefined ? null : truncateText(page.title, MAX_PAGE_TITLE_CHARS), page.pageKey?.slice(0, 64) ?? null],
      );
      const started = {
        workspaceId: inbox.workspaceId,
        actor: { type: 'customer' as const, id: contact.id },
        data: { visitId: Number(visit.id), contactId: contact.id, inboxId: inbox.id, sourceKind: src.kind },
        subject: { id: Number(visit.id), contactId: contact.id, inboxId: inbox.id, sourceKind: src.kind, startedAt: iso(visit.started_at) },
      };
      return { result: { visit, pv }, events: visit.inserted ? [pendingEvent('visit.started', started)] : [] };
    });
    void this.announce(inbox.workspaceId, contact.id);
    return { visitId: visit.id, pageViewId: pv.id, pageViews: visit.page_views, fromSearch: visit.source_kind === 'search', invited: visit.invited_at !== null, path };
  }

  /** The page was left (navigation, tab closed, connection lost): its time on page is now known. */
  async endPageView(workspaceId: number, contactId: number, pageViewId: number): Promise<void> {
    await this.ctx.db.query('UPDATE page_views SET ended_at = now() WHERE id = $1 AND ended_at IS NULL', [pageViewId]);
    void this.announce(workspaceId, contactId);
  }

  /** Pages still open on this instance (the live list ignores pages without a recent heartbeat). */
  async heartbeat(pageViewIds: number[]): Promise<void> {
    for (let i = 0; i < pageViewIds.length; i += 1000) {
      await this.ctx.db.query('UPDATE page_views SET heartbeat_at = now() WHERE id = ANY($1::bigint[])', [pageViewIds.slice(i, i + 1000)]);
    }
  }

  /** Visitors with a page open now, most recent first. */
  async live(workspaceId: number, contactId?: number): Promise<LiveVisitor[]> {
    const rows = await this.ctx.db.query(
      `SELECT DISTINCT ON (pv.contact_id) pv.contact_id, pv.url, pv.title, pv.started_at AS page_since,
         ct.name, ct.vip, v.id AS visit_id, v.source_kind, v.source_name, v.search_keyword, v.referrer, v.landing_page, v.page_views, v.started_at,
         (SELECT c.id FROM conversations c WHERE c.contact_id = pv.contact_id AND c.status <> 'resolved' ORDER BY c.id DESC LIMIT 1) AS conversation_id
       FROM page_views pv JOIN visits v ON v.id = pv.visit_id JOIN contacts ct ON ct.id = pv.contact_id
       WHERE pv.workspace_id = $1 AND pv.ended_at IS NULL AND pv.heartbeat_at > now() - interval '60 seconds'
         AND ($2::bigint IS NULL OR pv.contact_id = $2)
       ORDER BY pv.contact_id, pv.started_at DESC
       LIMIT 1000`,
      [workspaceId, contactId ?? null],
    );
    return rows
      .map((r) => ({
        contactId: r.contact_id,
        name: r.name,
        vip: r.vip,
        currentPage: { url: r.url, title: r.title, since: iso(r.page_since) },
        visit: {
          id: r.visit_id,
          sourceKind: r.source_kind,
          sourceName: r.source_name,
          searchKeyword: r.search_keyword,
          referrer: r.referrer,
          landingPage: r.landing_page,
          pageViews: r.page_views,
          startedAt: iso(r.started_at),
        },
        conversationId: r.conversation_id,
      }))
      .sort((a, b) => b.currentPage.since.localeCompare(a.currentPage.since));
  }

  /** 浏览轨迹: the contact's recent visits with their pages, newest first. */
  async trail(workspaceId: number, contactId: number, limit = 10) {
    const visits = await this.ctx.db.query(
      `SELECT * FROM visits WHERE workspace_id = $1 AND contact_id = $2 ORDER BY id DESC LIMIT $3`,
      [workspaceId, contactId, limit],
    );
    if (visits.length === 0) return [];
    const pages = await this.ctx.db.query(
      `SELECT visit_id, url, title, started_at, ended_at, heartbeat_at FROM page_views WHERE visit_id = ANY($1::bigint[]) ORDER BY id`,
      [visits.map((v) => v.id)],
    );
    return visits.map((v) => ({
      id: v.id,
      sourceKind: v.source_kind,
      sourceName: v.source_name,
      searchKeyword: v.search_keyword,
      referrer: v.referrer,
      landingPage: v.landing_page,
      utm: v.utm,
      pageViews: v.page_views,
      startedAt: iso(v.started_at),
      pages: pages
        .filter((p) => p.visit_id === v.id)
        .map((p) => ({
          url: p.url,
          title: p.title,
          startedAt: iso(p.started_at),
          // time on page: until it was left, or until the last sign of life
          seconds: Math.max(0, Math.round((new Date(p.ended_at ?? p.heartbeat_at).getTime() - new Date(p.started_at).getTime()) / 1000)),
          open: p.ended_at === null,
        })),
    }));
  }

  /** The automatic invitation rule to arm for this page, if any. */
  async ruleFor(inbox: Inbox, contactId: number, view: PageView): Promise<{ rule: InvitationRule; delayMs: number } | null> {
    if (view.invited) return null; // at most once per visit
    const settings = await this.ctx.reception.get(inbox.id);
    if (settings.invitations.length === 0) return null;
    if (await openConversationOf(this.ctx.db, contactId)) return null;
    return firstInvitation(settings.invitations, { path: view.path, pageViews: view.pageViews, fromSearch: view.fromSearch });
  }

  /**
   * Fires an armed automatic invitation: only if someone can take the chat (an
   * agent on duty, or the bot), only once per visit (even across tabs and instances).
   */
  async autoInvite(inbox: Inbox, contactId: number, visitId: number, rule: InvitationRule): Promise<Invitation | null> {
    if (!(await this.someoneCanAnswer(inbox))) return null;
    if (await openConversationOf(this.ctx.db, contactId)) return null;
    return inviteAutomatically(this.ctx, { workspaceId: inbox.workspaceId, contactId, visitId, rule });
  }

  /** 主动邀请: an agent invites a browsing (or queued) visitor. */
  async agentInvite(workspaceId: number, agent: { id: number; name: string; agentNo: string | null }, contactId: number, message: string): Promise<Invitation> {
    const live = await this.live(workspaceId, contactId);
    if (live.length === 0) throw new DomainError('visitor_gone', 'this visitor has no page open right now', 409);
    return inviteByAgent(this.ctx, { workspaceId, agent, contactId, visitId: live[0].visit.id, message });
  }

  /** The visitor answers; accepting an agent's invitation opens a conversation with that agent. */
  reply(workspaceId: number, inboxId: number, contactId: number, invitationId: number, accept: boolean): Promise<{ conversationId: number | null }> {
    return answerInvitation(this.ctx, { workspaceId, inboxId, contactId, invitationId, accept });
  }



  private async someoneCanAnswer(inbox: Inbox): Promise<boolean> {
    const settings = await this.ctx.reception.get(inbox.id);
    const facts = await receptionFacts(this.ctx.db, inbox.workspaceId, settings, settings.defaultGroupId);
    return receive(facts) !== 'offline';
  }

  /** Tells the consoles what a visitor looks like now (page, or chatting). */
  async announce(workspaceId: number, contactId: number): Promise<void> {
    try {
      const [visitor] = await this.live(workspaceId, contactId);
      await this.bus.publish({ t: 'visitor', workspaceId, contactId, visitor: visitor ?? null });
    } catch {
      /* the list refreshes on the next change */
    }
  }
}
