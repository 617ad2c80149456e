import { EyeOutlined } from '@ant-design/icons';
import { Button, Empty, Spin, Timeline } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import type { Visit } from '../api/types';
import { useT } from '../i18n';
import { formatDuration, fullTime, shortUrl } from '../i18n/format';
import { errorText } from '../lib/errors';
import { useWorkspace } from '../stores/workspace/context';
import { Elapsed } from './Elapsed';
import { SafeLink } from './SafeLink';
import { SourceTag } from './SourceTag';

/** Re-read the trail at most this often while the visitor browses (each page change sends a frame). */
const REFRESH_GAP_MS = 3000;

/**
 * 浏览轨迹: the contact's recent visits — source, search keyword, landing page,
 * referrer — and the pages of each with the time spent; the page open right now on top.
 */
export function VisitTrail({ contactId, maxVisits = 5 }: { contactId: number; maxVisits?: number }) {
  const t = useT();
  const live = useWorkspace((s) => s.visitors[contactId]);
  const [visits, setVisits] = useState<Visit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [all, setAll] = useState(false);
  const lastLoad = useRef(0);
  const timer = useRef<number | null>(null);

  const load = useCallback(async () => {
    lastLoad.current = Date.now();
    try {
      const { visits } = await api.contactVisits(contactId);
      setVisits(visits);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [contactId]);

  useEffect(() => {
    setVisits(null);
    void load();
  }, [load]);

  // The visitor moved to another page (a `visitor` frame): read the trail again, throttled.
  const liveKey = live ? `${live.visit.id}:${live.currentPage.url}:${live.currentPage.since}` : 'gone';
  useEffect(() => {
    if (visits === null) return;
    const wait = Math.max(0, REFRESH_GAP_MS - (Date.now() - lastLoad.current));
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      void load();
    }, wait);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [liveKey]);
  useEffect(() => () => void (timer.current !== null && window.clearTimeout(timer.current)), []);

  return (
    <div className="visit-trail" data-testid="contact-trail">
      {live ? (
        <div className="trail-live" data-testid="trail-live">
          <span className="live-dot" />
          <span className="trail-live-label">{t('trail.now')}</span>
          <SafeLink url={live.currentPage.url} text={live.currentPage.title || shortUrl(live.currentPage.url)} />
          <span className="muted small">
            <Elapsed since={live.currentPage.since} />
          </span>
        </div>
      ) : null}
      {visits === null ? (
        error ? (
          <span className="muted small">{errorText(error, t)}</span>
        ) : (
          <Spin size="small" />
        )
      ) : visits.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('trail.none')} />
      ) : (
        <>
          {(all ? visits : visits.slice(0, maxVisits)).map((v) => (
            <VisitCard key={v.id} visit={v} />
          ))}
          {!all && visits.length > maxVisits ? (
            <Button size="small" type="link" onClick={() => setAll(true)}>
              {t('trail.more', { n: visits.length - maxVisits })}
            </Button>
          ) : null}
        </>
      )}
    </div>
  );
}

function VisitCard({ visit: v }: { visit: Visit }) {
  const t = useT();
  return (
    <div className="visit-card" data-testid="trail-visit" data-visit-id={v.id}>
      <div className="visit-card-head">
        <SourceTag kind={v.sourceKind} name={v.sourceName} />
        <span className="muted small">{fullTime(v.startedAt)}</span>
      </div>
      <dl className="kv compact">
        {v.searchKeyword ? (
          <>
            <dt>{t('trail.keyword')}</dt>
            <dd data-testid="trail-keyword">{v.searchKeyword}</dd>
          </>
        ) : null}
        {v.landingPage ? (
          <>
            <dt>{t('trail.landing')}</dt>
            <dd>
              <SafeLink url={v.landingPage} text={shortUrl(v.landingPage)} />
            </dd>
          </>
        ) : null}
        {v.referrer ? (
          <>
            <dt>{t('trail.referrer')}</dt>
            <dd>
              <SafeLink url={v.referrer} text={shortUrl(v.referrer)} />
            </dd>
          </>
        ) : null}
        {Object.keys(v.utm).length > 0 ? (
          <>
            <dt>UTM</dt>
            <dd className="small">
              {Object.entries(v.utm)
                .map(([k, val]) => `${k}=${val}`)
                .join(' · ')}
            </dd>
          </>
        ) : null}
      </dl>
      <div className="muted small visit-pages-head">
        <EyeOutlined /> {t('trail.pageViews', { n: v.pageViews })}
      </div>
      <Timeline
        className="visit-pages"
        items={v.pages.map((p, i) => ({
          key: `${p.startedAt}-${i}`,
          color: p.open ? 'green' : 'gray',
          content: (
            <div className="visit-page" data-testid="trail-page">
              <SafeLink url={p.url} text={p.title || shortUrl(p.url)} />
              <span className="muted small">
                {fullTime(p.startedAt).slice(11)} · {p.open ? t('trail.onPageNow') : formatDuration(p.seconds, t)}
              </span>
            </div>
          ),
        }))}
      />
    </div>
  );
}
