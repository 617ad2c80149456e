import { Tooltip } from 'antd';

/** A visitor-reported URL: a link only for http(s), plain text otherwise (no javascript: links). */
export function SafeLink({ url, text, className = 'ellipsis-link' }: { url: string; text: string; className?: string }) {
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
        <a href={url} target="_blank" rel="noopener noreferrer nofollow" className={className}>
          {text}
        </a>
      ) : (
        <span className={className}>{text}</span>
      )}
    </Tooltip>
  );
}
