import { Spin } from 'antd';
import type { CSSProperties } from 'react';
import { useT } from '../i18n';

/** Read by screen readers, not shown: the spinner says the same to sighted users. */
const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * What a page or part shows while its code or data arrives: a spinner inside a
 * `status` region that names it (加载中…), so assistive technology hears that something is coming.
 */
export function Loading({ full = false, size = 'default' }: { full?: boolean; size?: 'small' | 'default' | 'large' }) {
  const t = useT();
  return (
    <div className={full ? 'full-center' : undefined} role="status" data-testid="loading">
      <Spin size={size} />
      <span style={visuallyHidden}>{t('common.loading')}</span>
    </div>
  );
}
