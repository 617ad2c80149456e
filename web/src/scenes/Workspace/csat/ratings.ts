import { useEffect } from 'react';
import { csatApi, type ConversationRating, type CsatRating } from '../../../api/csat';
import { createStore, useStore, type Store } from '../../../stores/store';
import { useController } from '../../../stores/workspace/context';
import type { WorkspaceController } from '../../../stores/workspace/controller';
import './csat.css';

export { csatErrorText, useCsatT } from './strings';

/*
 * 满意度评价 in 工作台, the part that loads with the first conversation shown (index.tsx):
 * each conversation's rating, read once (GET …/rating) and again after a reconnect, kept
 * current by `rating` frames (a customer rated or changed it) and by the request message
 * arriving (asked). No antd here: index.tsx renders with the antd parts 工作台 already has,
 * so this chunk changes nothing in how the first load is split (console-weight.test.ts).
 */

type State = Record<number, ConversationRating>;
type Action = { conversationId: number; rating?: CsatRating | null; requested?: boolean };

/** The newer of two versions of a rating (a frame may overtake the answer of a GET sent before it). */
const newer = (a: CsatRating | null, b: CsatRating | null) => (a && b && a.updatedAt > b.updatedAt ? a : b);

function reducer(s: State, a: Action): State {
  const before = s[a.conversationId];
  const rating = a.rating === undefined ? (before?.rating ?? null) : newer(before?.rating ?? null, a.rating);
  const requested = !!(a.requested || before?.requested || rating);
  if (before && before.rating === rating && before.requested === requested) return s;
  return { ...s, [a.conversationId]: { rating, requested } };
}

export interface Ratings {
  store: Store<State, Action>;
  /** Reads a conversation's rating unless known (`again`: anyway). */
  load(conversationId: number, again?: boolean): void;
  /** 邀请评价; rejects with the server's refusal (and reads the rating again then). */
  invite(conversationId: number): Promise<void>;
}

const sessions = new WeakMap<WorkspaceController, Ratings>();

/** This workspace session's ratings, made (and fed by the socket's frames) on first use. */
function ratingsOf(controller: WorkspaceController): Ratings {
  const known = sessions.get(controller);
  if (known) return known;
  const store = createStore(reducer, {} as State);
  const loading = new Set<number>();
  const load = (id: number, again = false) => {
    if (loading.has(id) || (!again && store.getState()[id])) return;
    loading.add(id);
    csatApi
      .rating(id)
      .then(
        (r) => store.dispatch({ conversationId: id, ...r }),
        () => undefined, // an older server, or offline: nothing to show; the next reconnect asks again
      )
      .finally(() => loading.delete(id));
  };
  const invite = async (id: number) => {
    try {
      await csatApi.invite(id);
      store.dispatch({ conversationId: id, requested: true });
    } catch (err) {
      load(id, true); // asked already, or rated meanwhile: show what is
      throw err;
    }
  };
  controller.listen((frame) => {
    if (frame.type === 'rating') store.dispatch({ conversationId: frame.rating.conversationId, rating: frame.rating });
    else if (frame.type === 'message' && frame.message.meta?.csat?.kind === 'request' && store.getState()[frame.message.conversationId]) {
      store.dispatch({ conversationId: frame.message.conversationId, requested: true });
    } else if (frame.type === 'connected' && frame.reconnected) {
      for (const id of Object.keys(store.getState())) load(Number(id), true);
    }
  });
  const made = { store, load, invite };
  sessions.set(controller, made);
  return made;
}

/** A conversation's rating (undefined until read) and the session's ratings. */
export function useRating(conversationId: number): [ConversationRating | undefined, Ratings] {
  const ratings = ratingsOf(useController());
  const entry = useStore(ratings.store, (s) => s[conversationId]);
  useEffect(() => ratings.load(conversationId), [ratings, conversationId]);
  return [entry, ratings];
}
