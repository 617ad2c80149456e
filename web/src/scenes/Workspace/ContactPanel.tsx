import { CrownFilled } from '@ant-design/icons';
import { App, Empty, Spin, Switch, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { MAX_EMAIL_CHARS, MAX_NAME_CHARS, MAX_PHONE_CHARS, PHONE_PATTERN, type Contact, type Conversation } from '../../api/types';
import { ContactAvatar } from '../../components/ContactAvatar';
import { InlineEdit } from '../../components/InlineEdit';
import { SafeLink } from '../../components/SafeLink';
import { VisitTrail } from '../../components/Deferred';
import { StatusTag } from '../../components/StatusTag';
import { useT } from '../../i18n';
import { contactLabel, fullTime } from '../../i18n/format';
import { errorText } from '../../lib/errors';
import { isLead } from '../../lib/permissions';
import { useController, useWorkspace } from '../../stores/workspace/context';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Right column: who the customer is, where they came from, their other conversations. */
export function ContactPanel({ conversation }: { conversation: Conversation }) {
  const t = useT();
  const controller = useController();
  const contactId = conversation.contactId;
  const contact = useWorkspace((s) => s.contacts[contactId]);
  const liveConversations = useWorkspace((s) => s.conversations);
  const [history, setHistory] = useState<Conversation[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { message } = App.useApp();
  const navigate = useNavigate();

  const load = useCallback(async () => {
    setError(null);
    try {
      const detail = await api.getContact(contactId);
      controller.store.dispatch({ type: 'contact/upsert', contact: detail.contact });
      setHistory(detail.conversations);
    } catch (err) {
      setError(err);
    }
  }, [contactId, controller]);

  useEffect(() => {
    setHistory(null);
    void load();
  }, [load]);

  // A new conversation of this contact (or a status change) refreshes the history.
  const historyKey = Object.values(liveConversations)
    .filter((c) => c.contactId === contactId)
    .map((c) => `${c.id}:${c.status}`)
    .join(',');
  useEffect(() => {
    if (history && historyKey) {
      const known = new Set(history.map((c) => c.id));
      const hasNew = historyKey.split(',').some((k) => !known.has(Number(k.split(':')[0])));
      if (hasNew) void load();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [historyKey]);

  const save = (field: 'name' | 'email' | 'phone') => async (value: string | null) => {
    try {
      const updated = await api.updateContact(contactId, { [field]: value });
      controller.store.dispatch({ type: 'contact/upsert', contact: updated });
      message.success(t('contact.saved'));
    } catch (err) {
      message.error(errorText(err, t));
      throw err;
    }
  };

  const [vipBusy, setVipBusy] = useState(false);
  const setVip = async (vip: boolean) => {
    setVipBusy(true);
    try {
      const updated = await api.updateContact(contactId, { vip });
      controller.store.dispatch({ type: 'contact/upsert', contact: updated });
      message.success(vip ? t('contact.vipOn') : t('contact.vipOff'));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setVipBusy(false);
    }
  };

  return (
    <aside className="contact-panel" data-testid="contact-panel" aria-label={t('contact.title')}>
      {!contact ? (
        <div className="contact-loading">{error ? <Empty description={errorText(error, t)} /> : <Spin />}</div>
      ) : (
        <ContactDetails contact={contact} onSave={save} onVip={setVip} vipBusy={vipBusy} />
      )}
      <div className="panel-section">
        <div className="panel-section-title">{t('trail.title')}</div>
        <VisitTrail contactId={contactId} maxVisits={3} />
      </div>
      <div className="panel-section">
        <div className="panel-section-title">{t('contact.history')}</div>
        {history === null ? (
          error ? null : (
            <Spin size="small" />
          )
        ) : history.length === 0 ? (
          <span className="muted small">{t('common.none')}</span>
        ) : (
          <ul className="history-list">
            {history.map((h) => {
              const c = liveConversations[h.id] ?? h;
              const current = c.id === conversation.id;
              return (
                <li key={c.id}>
                  <button
                    type="button"
                    className={`history-item${current ? ' current' : ''}`}
                    onClick={() => navigate(`/conversations/${c.id}`)}
                    data-testid="contact-history-item"
                    data-conversation-id={c.id}
                  >
                    <span className="history-item-row">
                      <span className="history-item-id">
                        #{c.id}
                        {current ? <span className="history-item-current">{t('contact.current')}</span> : null}
                      </span>
                      <StatusTag status={c.status} />
                    </span>
                    <span className="history-item-preview">{c.lastMessagePreview ?? t('conv.noPreview')}</span>
                    <span className="history-item-time">{fullTime(c.lastMessageAt ?? c.createdAt)}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
    </aside>
  );
}

interface DetailsProps {
  contact: Contact;
  onSave: (f: 'name' | 'email' | 'phone') => (v: string | null) => Promise<void>;
  onVip: (vip: boolean) => Promise<void>;
  vipBusy: boolean;
}

function ContactDetails({ contact, onSave, onVip, vipBusy }: DetailsProps) {
  const t = useT();
  const lead = useWorkspace((s) => isLead(s.me.role));
  const a = contact.attributes;
  const label = contactLabel(contact.name, contact.id, t);
  return (
    <>
      <div className="contact-head">
        <ContactAvatar id={contact.id} name={contact.name} size={48} fallback={t('msg.visitor').slice(0, 1)} />
        <div className="contact-head-text">
          <InlineEdit
            value={contact.name}
            display={label}
            placeholder={label}
            onSave={onSave('name')}
            testId="contact-name"
            editLabel={t('contact.clickToEdit')}
            maxLength={MAX_NAME_CHARS}
            className="contact-name"
          />
          {contact.vip ? (
            <Tag color="gold" className="vip-tag" icon={<CrownFilled />}>
              VIP
            </Tag>
          ) : null}
          <div className="muted small">{contact.name ? t('common.visitor', { id: contact.id }) : t('contact.nameHint')}</div>
          <Link to={`/contacts/${contact.id}`} className="small" data-testid="contact-profile-link">
            {t('contact.profile')}
          </Link>
        </div>
      </div>
      <div className="panel-section">
        <div className="panel-section-title">{t('contact.title')}</div>
        <dl className="kv">
          {lead ? (
            <>
              <dt>{t('contact.vip')}</dt>
              <dd>
                <Switch
                  size="small"
                  checked={contact.vip}
                  loading={vipBusy}
                  onChange={(v) => void onVip(v)}
                  data-testid="contact-vip"
                  aria-label={t('contact.vip')}
                />
                <span className="muted small"> {t('contact.vipHint')}</span>
              </dd>
            </>
          ) : null}
          <dt>{t('contact.email')}</dt>
          <dd>
            <InlineEdit
              value={contact.email}
              placeholder={t('contact.empty')}
              onSave={onSave('email')}
              validate={(v) => (EMAIL.test(v) ? null : t('contact.emailInvalid'))}
              testId="contact-email"
              editLabel={t('contact.clickToEdit')}
              maxLength={MAX_EMAIL_CHARS}
            />
          </dd>
          <dt>{t('contact.phone')}</dt>
          <dd>
            <InlineEdit
              value={contact.phone}
              placeholder={t('contact.empty')}
              onSave={onSave('phone')}
              validate={(v) => (PHONE_PATTERN.test(v) ? null : t('contact.phoneInvalid'))}
              testId="contact-phone"
              editLabel={t('contact.clickToEdit')}
              maxLength={MAX_PHONE_CHARS}
            />
          </dd>
        </dl>
      </div>
      <div className="panel-section">
        <div className="panel-section-title">{t('contact.visitInfo')}</div>
        <dl className="kv">
          <dt>{t('contact.browser')}</dt>
          <dd>{a.browser || <span className="muted">{t('contact.unknown')}</span>}</dd>
          <dt>{t('contact.os')}</dt>
          <dd>{a.os || <span className="muted">{t('contact.unknown')}</span>}</dd>
          <dt>{t('contact.language')}</dt>
          <dd>{a.language || <span className="muted">{t('contact.unknown')}</span>}</dd>
          <dt>{t('contact.firstPage')}</dt>
          <dd>
            {a.firstPageUrl ? (
              <SafeLink url={a.firstPageUrl} text={a.firstPageTitle || a.firstPageUrl} />
            ) : a.firstPageTitle ? (
              a.firstPageTitle
            ) : (
              <span className="muted">{t('contact.unknown')}</span>
            )}
          </dd>
          <dt>{t('contact.referrer')}</dt>
          <dd>{a.referrer ? <SafeLink url={a.referrer} text={a.referrer} /> : <span className="muted">{t('common.none')}</span>}</dd>
          <dt>{t('contact.firstSeen')}</dt>
          <dd>{fullTime(contact.createdAt)}</dd>
          <dt>{t('contact.lastSeen')}</dt>
          <dd>{contact.lastSeenAt ? fullTime(contact.lastSeenAt) : <span className="muted">{t('common.none')}</span>}</dd>
        </dl>
      </div>
    </>
  );
}
