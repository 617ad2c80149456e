import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useT } from '../../i18n';
import { contactLabel, fullTime } from '../../i18n/format';
import { useWorkspace } from '../../stores/workspace/context';
import { canSeePersonalData, contactsApi, LOST_REASONS, TEMPERAMENTS, type ContactFilter, type LostReason, type ContactProfile, type FieldDefinition, type ImportReport, type Temperament } from './api';
import { ContactTabs, RemovableTag, VipTag, vipLevelOf } from './parts';
import { Btn, Tag, useSay } from './ui';
import { contactErrorText, useContactT } from './strings';

const PAGE = 50;
/** Typing pauses this long before the list is asked again (Enter asks at once). */
const TYPING_MS = 300;

/** The filters live in the URL: back from a profile finds the same list. */
function readFilter(p: URLSearchParams): ContactFilter {
  const vip = p.get('vipLevel');
  const vipLevel = vip !== null && /^[0-5]$/.test(vip) ? Number(vip) : undefined;
  const temperament = p.get('temperament') as Temperament | null;
  const lost = p.get('lost');
  return {
    q: (p.get('q') ?? '').trim() || undefined,
    tags: p.getAll('tag').filter(Boolean),
    vipLevel,
    temperament: temperament && TEMPERAMENTS.includes(temperament) ? temperament : undefined,
    lost: lost === 'true' ? true : lost === 'false' ? false : lost && (LOST_REASONS as readonly string[]).includes(lost) ? (lost as LostReason) : undefined,
    cf: p
      .getAll('cf')
      .map((v) => {
        const at = v.indexOf(':');
        return at > 0 ? ([v.slice(0, at), v.slice(at + 1)] as [string, string]) : null;
      })
      .filter((x): x is [string, string] => x !== null),
  };
}

interface Listed {
  rows: ContactProfile[];
  next: string | null;
  loading: boolean;
  error: unknown;
}

/**
 * 客户: every contact, newest activity first, found by words (q) and narrowed by tags, VIP level,
 * temperament, churn and custom fields; paged by cursor. Supervisors and admins export the list
 * as CSV and import one. Phone numbers and e-mails show as the server sends them (masked).
 */
export default function ContactsPage() {
  const t = useT();
  const ct = useContactT();
  const say = useSay();
  const ids = useId();
  const navigate = useNavigate();
  const role = useWorkspace((s) => s.me.role);
  const lead = canSeePersonalData(role);
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => readFilter(params), [params]);
  const key = params.toString();
  const [draft, setDraft] = useState(filter.q ?? '');
  const [listed, setListed] = useState<Listed>({ rows: [], next: null, loading: true, error: null });
  const [fields, setFields] = useState<FieldDefinition[]>([]);
  const [cfKey, setCfKey] = useState<string | undefined>();
  const [cfValue, setCfValue] = useState('');
  const [tagDraft, setTagDraft] = useState('');
  const [report, setReport] = useState<ImportReport | null>(null);
  const [importing, setImporting] = useState(false);
  const [again, setAgain] = useState(0);
  const file = useRef<HTMLInputElement>(null);
  const generation = useRef(0);

  const update = (patch: Partial<ContactFilter>) =>
    setParams(
      (prev) => {
        const next = { ...readFilter(prev), ...patch };
        const p = new URLSearchParams();
        if (next.q) p.set('q', next.q);
        for (const tag of next.tags ?? []) p.append('tag', tag);
        if (next.vipLevel !== undefined) p.set('vipLevel', String(next.vipLevel));
        if (next.temperament) p.set('temperament', next.temperament);
        if (next.lost !== undefined) p.set('lost', String(next.lost));
        for (const [k, v] of next.cf ?? []) p.append('cf', `${k}:${v}`);
        return p;
      },
      { replace: true },
    );

  useEffect(() => {
    const ac = new AbortController();
    contactsApi.fields(ac.signal).then(
      (r) => setFields(r.fields),
      () => undefined,
    );
    return () => ac.abort();
  }, []);

  // the words typed: asked once typing pauses
  useEffect(() => {
    const q = draft.trim();
    if (q === (filter.q ?? '')) return;
    const timer = window.setTimeout(() => update({ q: q || undefined }), TYPING_MS);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, filter.q]);

  // the first page, whenever a filter changes
  useEffect(() => {
    const mine = ++generation.current;
    const ac = new AbortController();
    setListed((l) => ({ ...l, loading: true, error: null }));
    contactsApi.list(readFilter(new URLSearchParams(key)), { limit: PAGE }, ac.signal).then(
      (page) => generation.current === mine && setListed({ rows: page.contacts, next: page.nextCursor, loading: false, error: null }),
      (error: unknown) => generation.current === mine && !ac.signal.aborted && setListed({ rows: [], next: null, loading: false, error }),
    );
    return () => ac.abort();
  }, [key, again]);

  const more = () => {
    if (!listed.next || listed.loading) return;
    const mine = generation.current;
    setListed((l) => ({ ...l, loading: true }));
    contactsApi.list(filter, { cursor: listed.next, limit: PAGE }).then(
      (page) =>
        generation.current === mine &&
        setListed((l) => {
          const seen = new Set(l.rows.map((r) => r.id));
          return { rows: [...l.rows, ...page.contacts.filter((c) => !seen.has(c.id))], next: page.nextCursor, loading: false, error: null };
        }),
      (error: unknown) => generation.current === mine && setListed((l) => ({ ...l, loading: false, error })),
    );
  };

  const importFile = async (f: File | undefined) => {
    if (!f) return;
    setImporting(true);
    setReport(null);
    try {
      const r = await contactsApi.importCsv(f);
      setReport(r);
      setAgain((n) => n + 1);
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setImporting(false);
      if (file.current) file.current.value = '';
    }
  };

  const fieldLabel = (k: string) => fields.find((f) => f.key === k)?.label ?? k;
  const cfDef = fields.find((f) => f.key === cfKey);
  const addCf = () => {
    const v = cfValue.trim();
    if (!cfKey || !v) return;
    update({ cf: [...(filter.cf ?? []).filter(([k]) => k !== cfKey), [cfKey, v]] });
    setCfValue('');
  };
  const filtered = !!(filter.q || filter.tags?.length || filter.vipLevel !== undefined || filter.temperament || filter.lost !== undefined || filter.cf?.length);

  const { rows, next, loading, error } = listed;
  const vipOptions = [0, 1, 2, 3, 4, 5];
  return (
    <section className="admin-page wide contacts-page" data-testid="contacts-page" aria-labelledby="contacts-title" data-state={loading ? 'loading' : 'done'}>
      <div className="admin-head">
        <div>
          <h1 id="contacts-title">{ct('list.title')}</h1>
          <div className="muted">{ct('list.intro')}</div>
        </div>
        <div className="contacts-head-actions">
          <ContactTabs />
          {lead ? (
            <>
              <a className="ck-btn default" href={contactsApi.exportUrl(filter)} download data-testid="contacts-export">
                {ct('list.export')}
              </a>
              <input
                ref={file}
                type="file"
                accept=".csv,text/csv"
                className="sr-only"
                tabIndex={-1}
                aria-label={ct('list.import')}
                data-testid="contacts-import-file"
                onChange={(e) => void importFile(e.target.files?.[0])}
              />
              <Btn busy={importing} onClick={() => file.current?.click()} data-testid="contacts-import" title={ct('list.importHint')} aria-describedby={`${ids}-import-hint`}>
                {importing ? ct('list.importing') : ct('list.import')}
              </Btn>
              <span id={`${ids}-import-hint`} className="sr-only">
                {ct('list.importHint')}
              </span>
            </>
          ) : null}
        </div>
      </div>

      {report ? (
        <div className={`ck-alert ${report.errors.length ? 'warning' : 'success'}`} role="status" data-testid="contacts-import-report">
          <div className="ck-alert-head">
            <span data-testid="contacts-import-summary">{ct('list.importResult', { created: report.created, updated: report.updated, errors: report.errors.length })}</span>
            <Btn kind="link" small onClick={() => setReport(null)} aria-label={ct('list.closeReport')}>
              ×
            </Btn>
          </div>
          {report.errors.length ? (
            <>
              <div>{ct('list.importErrors')}</div>
              <ul className="contacts-import-errors">
                {report.errors.map((e, i) => (
                  <li key={i} data-testid="contacts-import-error" data-line={e.line}>
                    {ct('list.importLine', { line: e.line, message: e.message })}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}

      <form
        role="search"
        className="contacts-search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = draft.trim();
          if (q !== (filter.q ?? '')) update({ q: q || undefined });
          else setAgain((n) => n + 1);
        }}
      >
        <label htmlFor={`${ids}-q`} className="sr-only">
          {ct('list.search')}
        </label>
        <input
          id={`${ids}-q`}
          className="ck-input contacts-q"
          type="search"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          placeholder={ct('list.searchHint')}
          autoComplete="off"
          maxLength={200}
          data-testid="contacts-search"
        />
        <Btn type="submit" kind="primary">
          {ct('list.search')}
        </Btn>
      </form>

      <div className="contacts-filters" role="group" aria-label={ct('list.filters')}>
        <input
          className="ck-input"
          value={tagDraft}
          onChange={(e) => setTagDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.nativeEvent.isComposing) return;
            e.preventDefault();
            const tag = tagDraft.trim();
            if (tag && !(filter.tags ?? []).includes(tag)) update({ tags: [...(filter.tags ?? []), tag] });
            setTagDraft('');
          }}
          placeholder={ct('list.tags')}
          aria-label={ct('list.tagsHint')}
          title={ct('list.tagsHint')}
          maxLength={20}
          style={{ width: 150 }}
          data-testid="contacts-filter-tag"
        />
        {(filter.tags ?? []).map((tag) => (
          <RemovableTag key={tag} removeLabel={ct('tags.remove', { tag })} onRemove={() => update({ tags: (filter.tags ?? []).filter((x) => x !== tag) })} testId="contacts-filter-tag-chip">
            {tag}
          </RemovableTag>
        ))}
        <select
          className="ck-select"
          value={filter.vipLevel ?? ''}
          onChange={(e) => update({ vipLevel: e.target.value === '' ? undefined : Number(e.target.value) })}
          aria-label={ct('vip.level')}
          data-testid="contacts-filter-vip"
        >
          <option value="">{ct('list.anyVip')}</option>
          {vipOptions.map((n) => (
            <option key={n} value={n}>
              {n ? ct('vip.n', { n }) : ct('vip.none')}
            </option>
          ))}
        </select>
        <select
          className="ck-select"
          value={filter.temperament ?? ''}
          onChange={(e) => update({ temperament: (e.target.value || undefined) as Temperament | undefined })}
          aria-label={ct('col.temperament')}
          data-testid="contacts-filter-temperament"
        >
          <option value="">{ct('list.anyTemperament')}</option>
          {TEMPERAMENTS.map((x) => (
            <option key={x} value={x}>
              {ct(`temperament.${x}`)}
            </option>
          ))}
        </select>
        <select
          className="ck-select"
          value={filter.lost === undefined ? '' : String(filter.lost)}
          onChange={(e) => {
            const v = e.target.value;
            update({ lost: v === '' ? undefined : v === 'true' ? true : v === 'false' ? false : (v as LostReason) });
          }}
          aria-label={ct('col.lost')}
          data-testid="contacts-filter-lost"
        >
          <option value="">{ct('list.anyLost')}</option>
          <option value="true">{ct('list.lostYes')}</option>
          <option value="false">{ct('list.lostNo')}</option>
          {LOST_REASONS.map((r) => (
            <option key={r} value={r}>
              {ct('list.lostBecause', { reason: ct(`lost.${r}`) })}
            </option>
          ))}
        </select>
        {fields.length > 0 ? (
          <span className="contacts-cf">
            <select
              className="ck-select"
              value={cfKey ?? ''}
              onChange={(e) => {
                setCfKey(e.target.value || undefined);
                setCfValue('');
              }}
              aria-label={ct('list.field')}
              data-testid="contacts-filter-cf-key"
            >
              <option value="">{ct('list.field')}</option>
              {fields.map((f) => (
                <option key={f.key} value={f.key}>
                  {f.label}
                </option>
              ))}
            </select>
            {cfDef?.type === 'option' ? (
              <select className="ck-select" value={cfValue} onChange={(e) => setCfValue(e.target.value)} aria-label={ct('list.fieldValue')} data-testid="contacts-filter-cf-value">
                <option value="">{ct('list.fieldValue')}</option>
                {cfDef.options.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <input
                className="ck-input"
                type={cfDef?.type === 'date' ? 'date' : cfDef?.type === 'number' ? 'number' : 'text'}
                value={cfValue}
                onChange={(e) => setCfValue(e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && !e.nativeEvent.isComposing && (e.preventDefault(), addCf())}
                placeholder={ct('list.fieldValue')}
                aria-label={ct('list.fieldValue')}
                maxLength={200}
                style={{ width: 150 }}
                data-testid="contacts-filter-cf-value"
              />
            )}
            <Btn onClick={addCf} disabled={!cfKey || !cfValue.trim()} data-testid="contacts-filter-cf-add">
              {ct('list.addField')}
            </Btn>
          </span>
        ) : null}
        {(filter.cf ?? []).map(([k, v]) => (
          <RemovableTag key={k} removeLabel={ct('list.removeField', { label: fieldLabel(k) })} onRemove={() => update({ cf: (filter.cf ?? []).filter(([x]) => x !== k) })} testId="contacts-filter-cf-tag">
            {fieldLabel(k)}：{v}
          </RemovableTag>
        ))}
        {filtered ? (
          <Btn
            kind="link"
            onClick={() => {
              setDraft('');
              setParams(new URLSearchParams(), { replace: true });
            }}
            data-testid="contacts-filter-clear"
          >
            {ct('list.clear')}
          </Btn>
        ) : null}
      </div>

      {error ? (
        <div className="ck-alert error" role="alert" data-testid="contacts-error">
          <span>{contactErrorText(error, ct, t)}</span>{' '}
          <Btn small onClick={() => setAgain((n) => n + 1)}>
            {t('common.retry')}
          </Btn>
        </div>
      ) : null}
      {rows.some((r) => r.masked) ? <div className="muted small contacts-masked-note">{ct('list.masked')}</div> : null}

      <div className="ck-table-wrap">
        <table className="ck-table" data-testid="contacts-table" aria-labelledby="contacts-title" aria-busy={loading}>
          <thead>
            <tr>
              <th scope="col">{ct('col.name')}</th>
              <th scope="col">{ct('col.phone')}</th>
              <th scope="col">{ct('col.email')}</th>
              <th scope="col">{ct('col.company')}</th>
              <th scope="col">{ct('col.tags')}</th>
              <th scope="col">{ct('col.temperament')}</th>
              <th scope="col">{ct('col.lost')}</th>
              <th scope="col">{ct('col.lastSeen')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr
                key={c.id}
                data-testid="contact-row"
                data-contact-id={c.id}
                className="clickable-row"
                onClick={(e) => {
                  if (!(e.target as HTMLElement).closest('a,button')) navigate(`/contacts/${c.id}`);
                }}
              >
                <td>
                  <span className="contact-cell">
                    <Link to={`/contacts/${c.id}`} data-testid="contact-link" data-contact-id={c.id}>
                      {contactLabel(c.name, c.id, t)}
                    </Link>
                    <VipTag level={vipLevelOf(c)} />
                  </span>
                </td>
                <td data-testid="contact-row-phone">{c.phone ?? ''}</td>
                <td data-testid="contact-row-email">{c.email ?? ''}</td>
                <td>{c.company ?? ''}</td>
                <td>
                  <span className="contact-tags">
                    {(c.tags ?? []).map((tag) => (
                      <Tag key={tag}>{tag}</Tag>
                    ))}
                  </span>
                </td>
                <td>{c.temperament ? ct(`temperament.${c.temperament}`) : ''}</td>
                <td>
                  {c.lost ? (
                    <Tag tone="red" data-testid="contact-row-lost">
                      {ct(`lost.${c.lost.reason}`)}
                    </Tag>
                  ) : null}
                </td>
                <td className="nowrap">{fullTime(c.lastSeenAt ?? c.createdAt)}</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={8} className="ck-empty" data-testid="contacts-empty">
                  {loading ? t('common.loading') : error ? '' : ct('list.empty')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <div className="contacts-more">
        {rows.length > 0 ? <span className="muted small">{ct('list.count', { n: rows.length })}</span> : null}
        {next ? (
          <Btn onClick={more} busy={loading} data-testid="contacts-more">
            {ct('list.more')}
          </Btn>
        ) : null}
      </div>
    </section>
  );
}
