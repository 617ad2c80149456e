import { FileOutlined, FilePdfOutlined, FileTextOutlined } from '@ant-design/icons';
import { Image } from 'antd';
import type { AttachmentRef } from '../api/types';
import { formatBytes } from '../i18n/format';

/** Attachment URLs come from our server (/api/v1/attachments/…); anything else is not linked. */
function isSafeUrl(url: string): boolean {
  if (url.startsWith('/') && !url.startsWith('//')) return true;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** Images as thumbnails that open full size; other files as download links. */
export function Attachments({ items: all }: { items: AttachmentRef[] }) {
  const items = all.filter((a) => isSafeUrl(a.url));
  if (items.length === 0) return null;
  const images = items.filter((a) => a.contentType.startsWith('image/'));
  const files = items.filter((a) => !a.contentType.startsWith('image/'));
  return (
    <div className="attachments">
      {images.length > 0 ? (
        <div className="attachment-images">
          <Image.PreviewGroup>
            {images.map((a) => (
              <Image
                key={a.id}
                src={a.url}
                alt={a.name}
                className="attachment-thumb"
                width={images.length > 1 ? 96 : undefined}
                height={images.length > 1 ? 96 : undefined}
                data-testid="attachment-image"
              />
            ))}
          </Image.PreviewGroup>
        </div>
      ) : null}
      {files.map((a) => (
        <a key={a.id} className="attachment-file" href={a.url} target="_blank" rel="noopener noreferrer" download={a.name} data-testid="attachment-file">
          {a.contentType === 'application/pdf' ? (
            <FilePdfOutlined className="attachment-file-icon" style={{ color: '#f5222d' }} />
          ) : a.contentType === 'text/plain' ? (
            <FileTextOutlined className="attachment-file-icon" />
          ) : (
            <FileOutlined className="attachment-file-icon" />
          )}
          <span className="attachment-file-body">
            <span className="attachment-file-name">{a.name}</span>
            <span className="attachment-file-size">{formatBytes(a.size)}</span>
          </span>
        </a>
      ))}
    </div>
  );
}
