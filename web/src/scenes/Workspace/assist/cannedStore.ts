import { useEffect, useSyncExternalStore } from 'react';
import { assistApi, type CannedReply } from '../../../api/assist';

/**
 * The agent's 快捷回复 (the team's and their own), loaded once when first needed and reloaded
 * after the management drawer changes them. Small (≤ 500): the `/` list filters it in the page.
 */
let replies: CannedReply[] | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

export function reloadCannedReplies(): Promise<void> {
  loading = assistApi
    .cannedReplies()
    .then((r) => {
      replies = r.replies;
      emit();
    })
    .catch(() => {
      loading = null; // tried again next time the list opens
    });
  return loading;
}

export function useCannedReplies(load: boolean): CannedReply[] | null {
  const current = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => replies,
  );
  useEffect(() => {
    if (load && !loading) void reloadCannedReplies();
  }, [load]);
  return current;
}
