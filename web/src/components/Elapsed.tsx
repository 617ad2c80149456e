import { useT } from '../i18n';
import { formatDuration, secondsSince } from '../i18n/format';
import { useNow } from '../lib/useNow';

/** A live "waited 3 分 05 秒": ticks every second (used for the few queued or waiting items on screen). */
export function Elapsed({ since, offsetSeconds = 0 }: { since: string; offsetSeconds?: number }) {
  const t = useT();
  const now = useNow(1000);
  return <>{formatDuration(secondsSince(since, now) + offsetSeconds, t)}</>;
}
