import { Tooltip } from 'antd';

/** A visitor-reported URL: a link only for http(s), plain text otherwise (no javascript: links). */
export function SafeLink({ url, text, className = 'ellipsis-link', testId }: { url: string; text: string; className?: string; testId?: string }) {
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  return (
    <Tooltip title={url}>
      {ok ? (
        <a href={url} target="_blank" rel="noopener noreferrer nofollow" className={className} data-testid={testId}>
          {text}
        </a>
      ) : (
        <span className={className} data-testid={testId}>
          {text}
        </span>
      )}
    </Tooltip>
  );
}
