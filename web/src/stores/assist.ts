import { newerInsight, type ConversationInsight, type MessageAnalysis } from '../../../src/core/assist/insight';
import type { Conversation, Message } from '../api/types';
import type { WorkspaceController } from './workspace/controller';
import type { WorkspaceState } from './workspace/state';
import { createStore, useStore, type Store } from './store';
import { useController } from './workspace/context';

export type { ConversationInsight, MessageAnalysis };

/**
 * Agent assist's data in the console: each conversation's picture (emotion badge,
 * signal tags, coaching) and each customer message's analysis. It comes from the
 * workspace's HTTP answers (the list, a conversation and its messages carry `insight`
 * and `analysis`) and live from `analysis` frames; the newer of two pictures wins.
 * Kept beside the workspace store, fed by it and by the controller's frames.
 */
export interface AssistState {
  insights: Record<number, ConversationInsight>;
  analyses: Record<number, MessageAnalysis>;
}

type AssistAction = { type: 'merge'; insights: ConversationInsight[]; analyses: MessageAnalysis[] };

function reducer(state: AssistState, action: AssistAction): AssistState {
  let insights = state.insights;
  for (const i of action.insights) {
    const next = newerInsight(insights[i.conversationId], i);
    if (next !== insights[i.conversationId]) insights = { ...insights, [i.conversationId]: next! };
  }
  let analyses = state.analyses;
  for (const a of action.analyses) {
    if (analyses[a.messageId]) continue;
    analyses = { ...analyses, [a.messageId]: a };
  }
  return insights === state.insights && analyses === state.analyses ? state : { insights, analyses };
}

type WithInsight = Conversation & { insight?: ConversationInsight | null };
type WithAnalysis = Message & { analysis?: MessageAnalysis | null };

const stores = new WeakMap<WorkspaceController, Store<AssistState, AssistAction>>();

/** What the workspace's HTTP answers brought that we have not looked at yet. */
function harvester(store: Store<AssistState, AssistAction>) {
  let conversations: WorkspaceState['conversations'] | null = null;
  const seenThreads = new Map<number, Message[]>();
  return (s: WorkspaceState) => {
    const insights: ConversationInsight[] = [];
    const analyses: MessageAnalysis[] = [];
    if (s.conversations !== conversations) {
      const before = conversations;
      conversations = s.conversations;
      for (const [id, c] of Object.entries(s.conversations)) {
        if (before && before[Number(id)] === c) continue;
        const insight = (c as WithInsight).insight;
        if (insight) insights.push(insight);
      }
    }
    for (const [id, thread] of Object.entries(s.threads)) {
      if (seenThreads.get(Number(id)) === thread.messages) continue;
      seenThreads.set(Number(id), thread.messages);
      for (const m of thread.messages) {
        const analysis = (m as WithAnalysis).analysis;
        if (analysis && !store.getState().analyses[m.id]) analyses.push(analysis);
      }
    }
    if (insights.length || analyses.length) store.dispatch({ type: 'merge', insights, analyses });
  };
}

/** The assist store of this workspace session, made (and wired) on first use. */
export function assistStore(controller: WorkspaceController): Store<AssistState, AssistAction> {
  let store = stores.get(controller);
  if (store) return store;
  const made = createStore(reducer, { insights: {}, analyses: {} });
  store = made;
  stores.set(controller, made);
  const harvest = harvester(made);
  harvest(controller.store.getState());
  controller.store.subscribe(() => harvest(controller.store.getState()));
  controller.listen((frame) => {
    if (frame.type === 'analysis') made.dispatch({ type: 'merge', insights: [frame.insight], analyses: [frame.analysis] });
  });
  return made;
}

export function useAssist<T>(selector: (s: AssistState) => T): T {
  return useStore(assistStore(useController()), selector);
}
