import { Button, Result } from 'antd';
import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useI18n } from '../i18n';

/**
 * Around each code-split page: a page whose code cannot be loaded (the connection dropped
 * while it came, or the console was upgraded and the old file is gone) or that fails to
 * render shows what happened and a button to reload, instead of a blank console. Leaving
 * for another page (a new `resetKey`) tries again.
 */
export class PageBoundary extends Component<{ resetKey: string; children: ReactNode }, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidUpdate(prev: { resetKey: string }) {
    if (prev.resetKey !== this.props.resetKey && this.state.error) this.setState({ error: null });
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('page failed', error, info.componentStack);
  }

  override render() {
    return this.state.error ? <PageFailed error={this.state.error} /> : this.props.children;
  }
}

function PageFailed({ error }: { error: Error }) {
  const { t } = useI18n();
  // Vite's "Failed to fetch dynamically imported module" and its kin: the page's code did not arrive
  const notLoaded = /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(error.message);
  return (
    <Result
      status="warning"
      data-testid="page-failed"
      title={t(notLoaded ? 'common.pageNotLoaded' : 'common.pageFailed')}
      subTitle={error.message}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('common.reload')}
        </Button>
      }
    />
  );
}
