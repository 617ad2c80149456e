import { useCallback, useEffect, useId, useState, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_PHONE_CHARS, PHONE_PATTERN, type Role } from '../../api';
import { hasKey, useT, type MessageKey } from '../../i18n';
import { contactLabel, fullTime } from '../../i18n/format';
import { useWorkspace } from '../../stores/workspace/context';
import {
  canSeePersonalData,
  contactsApi,
  LOST_REASONS,
  MAX_NEED_CHARS,
  MAX_TAG_CHARS,
  MAX_TAGS,
  NEEDS,
  TEMPERAMENTS,
  type ContactMerge,
  type ContactPatch,
  type ContactProfile,
  type FieldDefinition,
  type FieldValue,
  type LostReason,
  type Needs,
  type Order,
  type ProfileDetail,
  type Temperament,
  type TimelineEntry,
} from './api';
import { Loading, RemovableTag, VipTag, vipLevelOf } from './parts';
import { Avatar, Btn, Dialog, EditableText, Tag, useSay } from './ui';
import { contactErrorText, useContactT, type ContactTranslate } from './strings';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * 客户画像 (/contacts/:id): who the customer is (name, VIP level, tags, company, phone and e-mail —
 * masked for most roles, 查看 for supervisors and admins, audited — and the signed user id), the
 * workspace's custom fields, 性格 with its coaching hint, the five needs, 流失, orders, and the
 * timeline of everything they did with us. Supervisors merge and undo merges; admins export and
 * erase the personal data.
 */
export default function ContactProfilePage() {
  const t = useT();
  const ct = useContactT();
  const say = useSay();
  const id = Number(useParams().contactId);
  const role = useWorkspace((s) => s.me.role);
  const lead = canSeePersonalData(role);
  const [detail, setDetail] = useState<ProfileDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [fields, setFields] = useState<FieldDefinition[]>([]);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [again, setAgain] = useState(0);
  const valid = Number.isSafeInteger(id) && id > 0;

  useEffect(() => {
    if (!valid) return;
    const ac = new AbortController();
    setError(null);
    contactsApi.get(id, ac.signal).then(setDetail, (err: unknown) => !ac.signal.aborted && setError(err));
    contactsApi.fields(ac.signal).then(
      (r) => setFields(r.fields),
      () => undefined,
    );
    contactsApi.orders(id, ac.signal).then(
      (r) => setOrders(r.orders),
      () => !ac.signal.aborted && setOrders([]),
    );
    return () => ac.abort();
  }, [id, valid, again]);

  const reload = useCallback(() => setAgain((n) => n + 1), []);
  const contact = detail?.contact;

  /** Saves a change; the server's contact replaces ours (keeping revealed values shown as they were). */
  const save = useCallback(
    async (patch: ContactPatch, done = ct('profile.saved')) => {
      try {
        const updated = await contactsApi.update(id, patch);
        setDetail((d) => (d ? { ...d, contact: { ...updated, ...(d.contact.masked || updated.masked === d.contact.masked ? {} : keepRevealed(d.contact, patch)) } } : d));
        say(done);
      } catch (err) {
        say(contactErrorText(err, ct, t), 'error');
        throw err;
      }
    },
    [id, ct, t, say],
  );

  if (!valid || (error instanceof ApiError && error.status === 404)) {
    return (
      <section className="admin-page ck-result" aria-labelledby="profile-missing" data-testid="profile-not-found">
        <h1 id="profile-missing">{ct('profile.notFound')}</h1>
        <Link to="/contacts">{ct('profile.back')}</Link>
      </section>
    );
  }
  if (error && !detail) {
    return (
      <section className="admin-page">
        <div className="ck-alert error" role="alert">
          <span>{contactErrorText(error, ct, t)}</span> <Btn onClick={reload}>{t('common.retry')}</Btn>
        </div>
      </section>
    );
  }
  if (!contact || !detail) return <Loading text={t('common.loading')} />;

  const label = contactLabel(contact.name, contact.id, t);
  const erased = !!contact.erasedAt;
  return (
    <section className="admin-page wide contact-profile" data-testid="contact-profile" data-contact-id={contact.id} aria-labelledby="profile-title">
      <div className="profile-top">
        <Link to="/contacts" className="profile-back" data-testid="profile-back">
          ← {ct('profile.back')}
        </Link>
      </div>
      <h1 id="profile-title" className="sr-only">
        {ct('profile.title')}：{label}
      </h1>
      {erased ? (
        <div className="ck-alert warning profile-alert" data-testid="profile-erased">
          {ct('profile.erased', { time: fullTime(contact.erasedAt) })}
        </div>
      ) : null}
      <div className="profile-grid">
        <div className="profile-main">
          <Header contact={contact} setContact={(c) => setDetail((d) => (d ? { ...d, contact: c } : d))} save={save} lead={lead} role={role} erased={erased} />
          <CustomFields contact={contact} fields={fields} save={save} disabled={erased} />
          <TemperamentCard contact={contact} save={save} disabled={erased} />
          <NeedsCard contact={contact} save={save} disabled={erased} />
          <LostCard contact={contact} save={save} disabled={erased} />
          {lead ? <MergeCard contact={contact} merges={detail.merges ?? []} onChanged={reload} admin={role === 'admin'} /> : null}
        </div>
        <div className="profile-side">
          <Timeline entries={detail.timeline ?? []} />
          <Orders orders={orders} />
        </div>
      </div>
    </section>
  );
}

/** After a save the server sends the (masked) values again: keep those the supervisor revealed unless they changed them. */
function keepRevealed(c: ContactProfile, patch: ContactPatch): Partial<ContactProfile> {
  return { phone: patch.phone !== undefined ? patch.phone : c.phone, email: patch.email !== undefined ? patch.email : c.email, masked: false };
}

type Save = (patch: ContactPatch, done?: string) => Promise<void>;

function Card({ title, children, testId, extra }: { title: string; children: ReactNode; testId?: string; extra?: ReactNode }) {
  const id = useId();
  return (
    <section className="ck-card" aria-labelledby={id} data-testid={testId}>
      <div className="profile-card-head">
        <h2 id={id}>{title}</h2>
        {extra}
      </div>
      {children}
    </section>
  );
}

function Header({
  contact,
  setContact,
  save,
  lead,
  role,
  erased,
}: {
  contact: ContactProfile;
  setContact: (c: ContactProfile) => void;
  save: Save;
  lead: boolean;
  role: Role;
  erased: boolean;
}) {
  const t = useT();
  const ct = useContactT();
  const say = useSay();
  const ids = useId();
  const [revealing, setRevealing] = useState(false);
  const level = vipLevelOf(contact);
  const label = contactLabel(contact.name, contact.id, t);
  const reveal = async () => {
    setRevealing(true);
    try {
      setContact(await contactsApi.reveal(contact.id));
      say(ct('profile.revealed'), 'info');
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setRevealing(false);
    }
  };
  const saveField = (field: 'name' | 'email' | 'phone' | 'company') => (value: string | null) => save({ [field]: value });
  const masked = contact.masked;
  const edit = { hint: ct('profile.clickToEdit'), placeholder: ct('profile.empty') };
  return (
    <section className="ck-card profile-header" aria-label={ct('profile.basics')} data-testid="profile-header">
      <div className="profile-head">
        <Avatar id={contact.id} name={contact.name} fallback={t('msg.visitor').slice(0, 1)} />
        <div className="profile-head-text">
          <div className="profile-name-row">
            {erased ? (
              <span className="profile-name" data-testid="profile-name">
                {label}
              </span>
            ) : (
              <EditableText {...edit} value={contact.name} display={label} placeholder={label} label={ct('col.name')} onSave={saveField('name')} testId="profile-name" maxLength={MAX_NAME_CHARS} className="profile-name" />
            )}
            <VipTag level={level} />
            {contact.lost ? (
              <Tag tone="red" data-testid="profile-lost-tag">
                {ct('list.lostYes')}
              </Tag>
            ) : null}
          </div>
          <div className="muted small">
            #{contact.id} · {ct('profile.createdAt')} {fullTime(contact.createdAt)}
            {contact.lastSeenAt ? ` · ${ct('profile.lastSeen')} ${fullTime(contact.lastSeenAt)}` : ''}
          </div>
        </div>
      </div>
      <TagsEditor contact={contact} save={save} disabled={erased} />
      <dl className="kv wide profile-kv">
        <dt>{lead && !erased ? <label htmlFor={`${ids}-vip`}>{ct('vip.level')}</label> : ct('vip.level')}</dt>
        <dd>
          {lead && !erased ? (
            <select id={`${ids}-vip`} className="ck-select small" value={level} onChange={(e) => void save({ vipLevel: Number(e.target.value) }).catch(() => undefined)} data-testid="profile-vip">
              {[0, 1, 2, 3, 4, 5].map((n) => (
                <option key={n} value={n}>
                  {n ? ct('vip.n', { n }) : ct('vip.none')}
                </option>
              ))}
            </select>
          ) : (
            <span data-testid="profile-vip-text">{level ? ct('vip.n', { n: level }) : ct('vip.none')}</span>
          )}
        </dd>
        <dt>{ct('profile.company')}</dt>
        <dd>{erased ? <span>{contact.company ?? ''}</span> : <EditableText {...edit} value={contact.company} label={ct('profile.company')} onSave={saveField('company')} testId="profile-company" maxLength={200} />}</dd>
        <dt>{ct('profile.phone')}</dt>
        <dd>
          {masked || erased ? (
            <span data-testid="profile-phone" data-masked={String(masked)}>
              {contact.phone ?? <span className="ck-placeholder">{ct('profile.empty')}</span>}
            </span>
          ) : (
            <EditableText
              {...edit}
              value={contact.phone}
              label={ct('profile.phone')}
              onSave={saveField('phone')}
              validate={(v) => (PHONE_PATTERN.test(v) ? null : ct('profile.phoneInvalid'))}
              testId="profile-phone"
              maxLength={MAX_PHONE_CHARS}
            />
          )}
        </dd>
        <dt>{ct('profile.email')}</dt>
        <dd>
          {masked || erased ? (
            <span data-testid="profile-email" data-masked={String(masked)}>
              {contact.email ?? <span className="ck-placeholder">{ct('profile.empty')}</span>}
            </span>
          ) : (
            <EditableText
              {...edit}
              value={contact.email}
              label={ct('profile.email')}
              onSave={saveField('email')}
              validate={(v) => (EMAIL.test(v) ? null : ct('profile.emailInvalid'))}
              testId="profile-email"
              maxLength={MAX_EMAIL_CHARS}
            />
          )}
        </dd>
        <dt>{ct('profile.externalId')}</dt>
        <dd>
          <span data-testid="profile-external-id" title={ct('profile.externalIdHint')}>
            {contact.externalId ?? <span className="ck-placeholder">{ct('profile.empty')}</span>}
          </span>
        </dd>
      </dl>
      {masked && canSeePersonalData(role) && !erased ? (
        <div className="profile-reveal">
          <Btn small busy={revealing} onClick={() => void reveal()} aria-describedby="profile-reveal-hint" data-testid="profile-reveal">
            {ct('profile.reveal')}
          </Btn>
          <span id="profile-reveal-hint" className="muted small">
            {ct('profile.revealHint')}
          </span>
        </div>
      ) : masked ? (
        <div className="muted small">{ct('list.masked')}</div>
      ) : null}
    </section>
  );
}

function TagsEditor({ contact, save, disabled }: { contact: ContactProfile; save: Save; disabled: boolean }) {
  const ct = useContactT();
  const say = useSay();
  const [draft, setDraft] = useState('');
  const [busy, setBusy] = useState(false);
  const tags = contact.tags ?? [];
  const change = async (next: string[]) => {
    setBusy(true);
    try {
      await save({ tags: next });
      return true;
    } catch {
      return false;
    } finally {
      setBusy(false);
    }
  };
  const add = async () => {
    const tag = draft.trim();
    if (!tag) return;
    if ([...tag].length > MAX_TAG_CHARS) return say(ct('tags.tooLong', { max: MAX_TAG_CHARS }), 'error');
    if (tags.includes(tag)) return setDraft('');
    if (tags.length >= MAX_TAGS) return say(ct('tags.tooMany', { max: MAX_TAGS }), 'error');
    if (await change([...tags, tag])) setDraft('');
  };
  return (
    <div className="profile-tags" role="group" aria-label={ct('tags.title')} data-testid="profile-tags">
      <span className="profile-tags-title">{ct('tags.title')}</span>
      {tags.length === 0 ? <span className="muted small">{ct('tags.none')}</span> : null}
      {tags.map((tag) =>
        disabled ? (
          <Tag key={tag}>{tag}</Tag>
        ) : (
          <RemovableTag key={tag} removeLabel={ct('tags.remove', { tag })} onRemove={() => void change(tags.filter((x) => x !== tag))} disabled={busy} testId="profile-tag">
            {tag}
          </RemovableTag>
        ),
      )}
      {disabled ? null : (
        <input
          className="ck-input small"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void add();
            }
          }}
          placeholder={ct('tags.add')}
          aria-label={ct('tags.add')}
          maxLength={MAX_TAG_CHARS}
          disabled={busy || tags.length >= MAX_TAGS}
          style={{ width: 120 }}
          data-testid="profile-tag-input"
        />
      )}
    </div>
  );
}

function CustomFields({ contact, fields, save, disabled }: { contact: ContactProfile; fields: FieldDefinition[]; save: Save; disabled: boolean }) {
  const ct = useContactT();
  return (
    <Card title={ct('fields.title')} testId="profile-fields">
      {fields.length === 0 ? (
        <div className="muted small">{ct('fields.none')}</div>
      ) : (
        <div className="profile-fields">
          {fields.map((f) => (
            <FieldEditor key={f.id} def={f} value={contact.customFields?.[f.key] ?? null} disabled={disabled} onSave={(v) => save({ customFields: { [f.key]: v } })} />
          ))}
        </div>
      )}
    </Card>
  );
}

/** One custom field, edited as its type asks: saved on Enter or leaving it (text, number), at once (date, option). */
function FieldEditor({ def, value, onSave, disabled }: { def: FieldDefinition; value: FieldValue; onSave: (v: FieldValue) => Promise<void>; disabled: boolean }) {
  const inputId = useId();
  const [draft, setDraft] = useState<string>(value === null ? '' : String(value));
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(value === null ? '' : String(value)), [value]);
  const commit = async (raw: string) => {
    const text = raw.trim();
    const next: FieldValue = text === '' ? null : def.type === 'number' ? Number(text) : text;
    if (def.type === 'number' && next !== null && !Number.isFinite(next)) return;
    if (next === value || (next !== null && value !== null && String(next) === String(value))) return;
    setBusy(true);
    try {
      await onSave(next);
    } catch {
      setDraft(value === null ? '' : String(value));
    } finally {
      setBusy(false);
    }
  };
  const common = { id: inputId, disabled: disabled || busy, 'data-testid': `cf-${def.key}`, 'data-field-type': def.type };
  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void commit(draft);
    }
  };
  let control: ReactNode;
  if (def.type === 'option') {
    control = (
      <select
        {...common}
        className="ck-select"
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          void commit(e.target.value);
        }}
      >
        <option value="">—</option>
        {def.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
        {draft && !def.options.includes(draft) ? <option value={draft}>{draft}</option> : null}
      </select>
    );
  } else if (def.type === 'date') {
    control = (
      <input
        {...common}
        className="ck-input"
        type="date"
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value === '' || /^\d{4}-\d{2}-\d{2}$/.test(e.target.value)) void commit(e.target.value);
        }}
      />
    );
  } else {
    control = (
      <input
        {...common}
        className="ck-input"
        type={def.type === 'number' ? 'number' : 'text'}
        inputMode={def.type === 'number' ? 'decimal' : undefined}
        value={draft}
        maxLength={500}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        onBlur={() => void commit(draft)}
      />
    );
  }
  return (
    <div className="profile-field">
      <label htmlFor={inputId}>{def.label}</label>
      {control}
    </div>
  );
}

function TemperamentCard({ contact, save, disabled }: { contact: ContactProfile; save: Save; disabled: boolean }) {
  const ct = useContactT();
  const name = useId();
  const [busy, setBusy] = useState(false);
  const set = async (v: Temperament | null) => {
    setBusy(true);
    await save({ temperament: v }).catch(() => undefined);
    setBusy(false);
  };
  const options: [Temperament | '', string][] = [...TEMPERAMENTS.map((x) => [x, ct(`temperament.${x}`)] as [Temperament, string]), ['', ct('temperament.unknown')]];
  return (
    <Card title={ct('temperament.title')} testId="profile-temperament">
      <div className="ck-segmented" role="radiogroup" aria-label={ct('temperament.title')} data-testid="temperament-choice">
        {options.map(([value, text]) => {
          const checked = (contact.temperament ?? '') === value;
          return (
            <label key={value || 'unknown'} className={`ck-segment${checked ? ' checked' : ''}`}>
              <input type="radio" name={name} value={value} checked={checked} disabled={disabled || busy} onChange={() => void set(value || null)} data-testid={`temperament-${value || 'unknown'}`} />
              <span>{text}</span>
            </label>
          );
        })}
      </div>
      {contact.temperamentHint ? (
        <div className="profile-hint" role="note" data-testid="temperament-hint">
          <span className="profile-hint-title">{ct('temperament.hint')}：</span>
          {contact.temperamentHint}
        </div>
      ) : null}
    </Card>
  );
}

function NeedsCard({ contact, save, disabled }: { contact: ContactProfile; save: Save; disabled: boolean }) {
  const ct = useContactT();
  const base = useId();
  const [draft, setDraft] = useState<Needs>(contact.needs ?? {});
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(contact.needs ?? {}), [contact.needs]);
  const changed = NEEDS.some((k) => (draft[k] ?? '') !== (contact.needs?.[k] ?? ''));
  const submit = async () => {
    setBusy(true);
    const needs: Needs = {};
    for (const k of NEEDS) {
      const v = (draft[k] ?? '').trim();
      if (v) needs[k] = v;
    }
    await save({ needs }).catch(() => undefined);
    setBusy(false);
  };
  return (
    <Card title={ct('needs.title')} testId="profile-needs">
      <div className="muted small profile-card-intro">{ct('needs.intro')}</div>
      <form
        className="profile-needs"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {NEEDS.map((k) => (
          <div key={k} className="profile-field">
            <label htmlFor={`${base}-${k}`}>{ct(`needs.${k}`)}</label>
            <textarea
              id={`${base}-${k}`}
              className="ck-input"
              rows={2}
              value={draft[k] ?? ''}
              onChange={(e) => setDraft((d) => ({ ...d, [k]: e.target.value }))}
              maxLength={MAX_NEED_CHARS}
              disabled={disabled}
              data-testid={`need-${k}`}
            />
          </div>
        ))}
        {disabled ? null : (
          <Btn type="submit" kind="primary" disabled={!changed} busy={busy} data-testid="needs-save">
            {ct('needs.save')}
          </Btn>
        )}
      </form>
    </Card>
  );
}

function LostCard({ contact, save, disabled }: { contact: ContactProfile; save: Save; disabled: boolean }) {
  const ct = useContactT();
  const base = useId();
  const [editing, setEditing] = useState(false);
  const [reason, setReason] = useState<LostReason | ''>('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (lost: ContactPatch['lost']) => {
    setBusy(true);
    try {
      await save({ lost });
      setEditing(false);
      setReason('');
      setNote('');
    } catch {
      /* said by save */
    } finally {
      setBusy(false);
    }
  };
  const lost = contact.lost;
  return (
    <Card title={ct('lost.title')} testId="profile-lost">
      {lost ? (
        <div className="profile-lost" data-testid="profile-lost-state" data-reason={lost.reason}>
          <div>
            <Tag tone="red">{ct(`lost.${lost.reason}`)}</Tag> <span className="muted small">{ct('lost.at', { time: fullTime(lost.at) })}</span>
          </div>
          {lost.note ? <div className="profile-lost-note">{lost.note}</div> : null}
          {disabled ? null : (
            <Btn small onClick={() => void submit(null)} busy={busy} data-testid="lost-clear">
              {ct('lost.unmark')}
            </Btn>
          )}
        </div>
      ) : editing ? (
        <form
          className="profile-lost-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (reason) void submit({ reason, note: note.trim() || null });
          }}
        >
          <div className="profile-field">
            <label htmlFor={`${base}-reason`}>{ct('lost.reason')}</label>
            <select id={`${base}-reason`} className="ck-select" value={reason} onChange={(e) => setReason(e.target.value as LostReason | '')} required data-testid="lost-reason">
              <option value="">—</option>
              {LOST_REASONS.map((r) => (
                <option key={r} value={r}>
                  {ct(`lost.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="profile-field">
            <label htmlFor={`${base}-note`}>{ct('lost.note')}</label>
            <textarea id={`${base}-note`} className="ck-input" rows={2} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} data-testid="lost-note" />
          </div>
          <div className="profile-actions">
            <Btn type="submit" kind="danger" disabled={!reason} busy={busy} data-testid="lost-confirm">
              {ct('lost.confirm')}
            </Btn>
            <Btn onClick={() => setEditing(false)}>{ct('lost.cancel')}</Btn>
          </div>
        </form>
      ) : (
        <div className="profile-lost">
          <span className="muted">{ct('lost.active')}</span>
          {disabled ? null : (
            <Btn small kind="danger" onClick={() => setEditing(true)} data-testid="lost-mark">
              {ct('lost.mark')}
            </Btn>
          )}
        </div>
      )}
    </Card>
  );
}

function Stars({ score, ct }: { score: number; ct: ContactTranslate }) {
  const n = Math.max(0, Math.min(5, Math.round(score)));
  return (
    <span className="profile-stars" role="img" aria-label={ct('timeline.stars', { n })} data-testid="timeline-stars" data-score={n}>
      {'★'.repeat(n)}
      <span className="profile-stars-off">{'☆'.repeat(5 - n)}</span>
    </span>
  );
}

/** Conversations, tickets, complaints, ratings, visits and orders, newest first; each opens where it lives. */
function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const t = useT();
  const ct = useContactT();
  const sorted = [...entries].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  const linkOf = (e: TimelineEntry): string | null => {
    if (e.kind === 'conversation') return `/conversations/${e.conversationId ?? e.id}`;
    if (e.kind === 'ticket' || e.kind === 'complaint') return `/tickets/${e.ticketId ?? e.id}`;
    if (e.conversationId) return `/conversations/${e.conversationId}`;
    if (e.ticketId) return `/tickets/${e.ticketId}`;
    return null;
  };
  return (
    <Card title={ct('timeline.title')} testId="profile-timeline">
      {sorted.length === 0 ? (
        <div className="muted small">{ct('timeline.none')}</div>
      ) : (
        <ol className="profile-timeline" aria-label={ct('timeline.title')}>
          {sorted.map((e) => {
            const to = linkOf(e);
            const title = e.title.trim() || (e.conversationId ? ct('timeline.conversationN', { id: e.conversationId }) : e.ticketId ? ct('timeline.ticketN', { id: e.ticketId }) : ct(`timeline.${e.kind}`));
            return (
              <li key={`${e.kind}-${e.id}`} className={`profile-timeline-item kind-${e.kind}`} data-testid="timeline-item" data-kind={e.kind}>
                <div className="profile-timeline-head">
                  <span className={`profile-kind kind-${e.kind}`}>{ct(`timeline.${e.kind}`)}</span>
                  <time dateTime={e.at} className="muted small">
                    {fullTime(e.at)}
                  </time>
                  {e.status ? <span className="profile-timeline-status small">{hasKey(`conv.status.${e.status}`) && e.kind === 'conversation' ? t(`conv.status.${e.status}` as MessageKey) : e.status}</span> : null}
                  {e.channel ? <span className="muted small">{e.channel}</span> : null}
                </div>
                <div className="profile-timeline-title">
                  {e.kind === 'rating' && typeof e.score === 'number' ? <Stars score={e.score} ct={ct} /> : null}
                  {to ? (
                    <Link to={to} data-testid="timeline-link">
                      {title}
                    </Link>
                  ) : (
                    <span>{title}</span>
                  )}
                </div>
                {e.detail ? <div className="profile-timeline-detail">{e.detail}</div> : null}
              </li>
            );
          })}
        </ol>
      )}
    </Card>
  );
}

function Orders({ orders }: { orders: Order[] | null }) {
  const t = useT();
  const ct = useContactT();
  return (
    <Card title={ct('orders.title')} testId="profile-orders">
      <div className="ck-table-wrap">
        <table className="ck-table small" aria-label={ct('orders.title')} aria-busy={orders === null}>
          <thead>
            <tr>
              <th scope="col">{ct('orders.id')}</th>
              <th scope="col">{ct('orders.items')}</th>
              <th scope="col" className="num">
                {ct('orders.amount')}
              </th>
              <th scope="col">{ct('orders.status')}</th>
              <th scope="col">{ct('orders.at')}</th>
            </tr>
          </thead>
          <tbody>
            {(orders ?? []).map((o) => (
              <tr key={o.orderId} data-testid="order-row">
                <td className="mono-ish">{o.orderId}</td>
                <td>{o.items.map((i) => `${i.name} × ${i.quantity}`).join('，')}</td>
                <td className="num">
                  {Number(o.amount).toFixed(2)} {o.currency}
                </td>
                <td>{o.status}</td>
                <td className="nowrap">{fullTime(o.orderedAt)}</td>
              </tr>
            ))}
            {!orders?.length ? (
              <tr>
                <td colSpan={5} className="ck-empty">
                  {orders === null ? t('common.loading') : ct('orders.none')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

function MergeCard({ contact, merges, onChanged, admin }: { contact: ContactProfile; merges: ContactMerge[]; onChanged: () => void; admin: boolean }) {
  const t = useT();
  const ct = useContactT();
  const say = useSay();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<'merge' | 'erase' | null>(null);
  const [into, setInto] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const inputId = useId();
  const who = (id: number) => (id === contact.id ? contactLabel(contact.name, contact.id, t) : `#${id}`);
  const target = Number(into);
  const targetOk = Number.isSafeInteger(target) && target > 0 && target !== contact.id;

  const merge = async () => {
    if (!targetOk) return say(ct('merge.invalid'), 'error');
    setBusy('merge');
    try {
      await contactsApi.merge(contact.id, target);
      say(ct('merge.done', { id: target }));
      setDialog(null);
      navigate(`/contacts/${target}`);
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setBusy(null);
    }
  };
  const undo = async (m: ContactMerge) => {
    setBusy(`undo-${m.id}`);
    try {
      const r = await contactsApi.undoMerge(m.id);
      const ended = r?.stillEnded ?? [];
      say(ended.length ? ct('merge.stillEnded', { ids: ended.map((id) => `#${id}`).join('、') }) : ct('merge.undoneToast'));
      onChanged();
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setBusy(null);
    }
  };
  const erase = async () => {
    setBusy('erase');
    try {
      await contactsApi.erase(contact.id);
      say(ct('privacy.erased'));
      setDialog(null);
      onChanged();
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setBusy(null);
    }
  };

  const erased = !!contact.erasedAt;
  return (
    <>
      <Card
        title={ct('merge.title')}
        testId="profile-merges"
        extra={
          erased ? null : (
            <Btn small onClick={() => setDialog('merge')} data-testid="merge-open">
              {ct('merge.into')}
            </Btn>
          )
        }
      >
        {merges.length === 0 ? (
          <div className="muted small">{t('common.none')}</div>
        ) : (
          <ul className="profile-merges">
            {merges.map((m) => {
              const other = m.fromContactId === contact.id ? m.intoContactId : m.fromContactId;
              return (
                <li key={m.id} data-testid="merge-item" data-merge-id={m.id}>
                  <span>
                    {m.fromContactId === contact.id
                      ? ct('merge.fromHere', { time: fullTime(m.createdAt), to: who(m.intoContactId) })
                      : ct('merge.toHere', { time: fullTime(m.createdAt), from: who(m.fromContactId) })}
                  </span>{' '}
                  <Link to={`/contacts/${other}`}>#{other}</Link>{' '}
                  {m.undoneAt ? (
                    <span className="muted small">{ct('merge.undone', { time: fullTime(m.undoneAt) })}</span>
                  ) : (
                    <Btn small busy={busy === `undo-${m.id}`} onClick={() => void undo(m)} data-testid="merge-undo">
                      {ct('merge.undo')}
                    </Btn>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      {admin ? (
        <Card title={ct('privacy.title')} testId="profile-privacy">
          <div className="profile-actions">
            <a className="ck-btn default" href={contactsApi.personalDataUrl(contact.id)} download={`contact-${contact.id}.json`} data-testid="privacy-export">
              {ct('privacy.export')}
            </a>
            <Btn kind="danger" onClick={() => setDialog('erase')} disabled={erased} data-testid="privacy-erase">
              {ct('privacy.erase')}
            </Btn>
          </div>
        </Card>
      ) : null}
      <Dialog
        open={dialog === 'merge'}
        title={ct('merge.intoTitle')}
        onClose={() => setDialog(null)}
        testId="merge-dialog"
        actions={
          <>
            <Btn onClick={() => setDialog(null)}>{t('common.cancel')}</Btn>
            <Btn kind="primary" disabled={!targetOk} busy={busy === 'merge'} onClick={() => void merge()} data-testid="merge-confirm">
              {ct('merge.ok')}
            </Btn>
          </>
        }
      >
        <p className="muted">{ct('merge.intoHint')}</p>
        <label htmlFor={inputId}>{ct('merge.target')}</label>
        <input
          id={inputId}
          className="ck-input"
          type="number"
          min={1}
          step={1}
          inputMode="numeric"
          value={into}
          onChange={(e) => setInto(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), void merge())}
          data-testid="merge-target"
        />
      </Dialog>
      <Dialog
        open={dialog === 'erase'}
        title={ct('privacy.eraseTitle')}
        onClose={() => setDialog(null)}
        testId="erase-dialog"
        actions={
          <>
            <Btn onClick={() => setDialog(null)}>{t('common.cancel')}</Btn>
            <Btn kind="danger" busy={busy === 'erase'} onClick={() => void erase()} data-testid="erase-confirm">
              {ct('privacy.eraseOk')}
            </Btn>
          </>
        }
      >
        <p>{ct('privacy.eraseBody')}</p>
      </Dialog>
    </>
  );
}
