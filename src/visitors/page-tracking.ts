import type { Contact, Inbox } from '../core/model.js';
import type { Invitation } from '../core/visitors/types.js';
import type { PageReport, VisitorTracker } from './tracker.js';

/** What page tracking needs of a widget's connection (the gateway's, in src/realtime/). */
export interface TrackedWidget {
  readonly inbox: Inbox;
  readonly contact: Contact;
  /** The socket is still open: no invitation is armed for a widget that is gone. */
  isOpen(): boolean;
  /** Shows an automatic invitation that fired. */
  invite(invitation: Invitation): void;
}

interface Log {
  warn(obj: object, msg?: string): void;
}

/**
 * The pages one widget connection reports (访客浏览痕迹): each page ends the one
 * before, and may arm an automatic invitation (自动邀请) that fires after the
 * rule's delay while the widget is still there.
 */
export class PageTracking {
  /** The page this widget is on, and an armed automatic invitation. */
  private pageViewId: number | null = null;
  private inviteTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly visitors: VisitorTracker,
    private readonly widget: TrackedWidget,
    private readonly log: Log,
  ) {}

  /** The page view open now, if any. */
  get openPageViewId(): number | null {
    return this.pageViewId;
  }

  /** Records the page a widget is on, ends the previous one, and arms an automatic invitation if a rule matches. */
  async track(page: PageReport): Promise<void> {
    const { visitors, widget } = this;
    if (this.inviteTimer) clearTimeout(this.inviteTimer);
    this.inviteTimer = null;
    try {
      if (this.pageViewId !== null) await visitors.endPageView(widget.inbox.workspaceId, widget.contact.id, this.pageViewId);
      const view = await visitors.pageView(widget.contact, widget.inbox, page);
      this.pageViewId = view.pageViewId;
      const armed = await visitors.ruleFor(widget.inbox, widget.contact.id, view);
      if (!armed || !widget.isOpen()) return;
      this.inviteTimer = setTimeout(() => {
        this.inviteTimer = null;
        void visitors
          .autoInvite(widget.inbox, widget.contact.id, view.visitId, armed.rule)
          .then((inv) => {
            if (inv) widget.invite(inv);
          })
          .catch((err) => this.log.warn({ err }, 'automatic invitation failed'));
      }, armed.delayMs);
      this.inviteTimer.unref();
    } catch (err) {
      this.log.warn({ err }, 'visitor tracking failed');
    }
  }

  /** The socket closed: disarm the invitation, and end the page view unless the server is shutting down. */
  closed(shuttingDown: boolean): void {
    if (this.inviteTimer) clearTimeout(this.inviteTimer);
    if (this.pageViewId !== null && !shuttingDown) {
      void this.visitors.endPageView(this.widget.inbox.workspaceId, this.widget.contact.id, this.pageViewId).catch(() => {});
    }
  }
}

/** Pages still open on this instance (the live list ignores pages without a recent heartbeat). */
export async function heartbeatPages(visitors: VisitorTracker, open: Iterable<PageTracking>): Promise<void> {
  const pages: number[] = [];
  for (const p of open) if (p.openPageViewId !== null) pages.push(p.openPageViewId);
  if (pages.length) await visitors.heartbeat(pages);
}
