import { useT } from '../i18n';

export function Brand({ subtitle }: { subtitle?: string }) {
  const t = useT();
  return (
    <span className="brand">
      <span className="brand-mark" aria-hidden>
        知
      </span>
      <span className="brand-name">{t('app.name')}</span>
      {subtitle ? <span className="brand-sub">{subtitle}</span> : null}
    </span>
  );
}
