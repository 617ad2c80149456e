/** Read models of visitor tracking, shared by the API and the console. */

/** A visitor on the site now (访客), as the console lists them. */
export interface LiveVisitor {
  contactId: number;
  name: string | null;
  vip: boolean;
  currentPage: { url: string; title: string | null; since: string };
  visit: {
    id: number;
    sourceKind: string;
    sourceName: string | null;
    searchKeyword: string | null;
    referrer: string | null;
    landingPage: string | null;
    pageViews: number;
    startedAt: string;
  };
  /** Their open conversation, if they are chatting */
  conversationId: number | null;
}

export interface Invitation {
  id: number;
  kind: 'auto' | 'agent';
  message: string;
  agent: { id: number; name: string; agentNo: string | null } | null;
}

/** A visit as `visit.started` carries it: who, where from, and when it began. */
export interface VisitStarted {
  id: number;
  contactId: number;
  inboxId: number;
  sourceKind: string;
  startedAt: string;
}
