import { useEffect, useId, useState } from 'react';
import { useT } from '../../i18n';
import { useWorkspace } from '../../stores/workspace/context';
import { contactsApi, FIELD_KEY, FIELD_TYPES, type FieldDefinition, type FieldType } from './api';
import { ContactTabs } from './parts';
import { Btn, Dialog, EditableText, Tag, useSay } from './ui';
import { contactErrorText, useContactT } from './strings';

/** 选项 typed as one line: split at commas (half- or full-width), 、 and semicolons. */
const splitOptions = (s: string) => [...new Set(s.split(/[,，、;；]/).map((x) => x.trim()).filter(Boolean))];

/**
 * 客户字段 (/contacts/fields, admins): the workspace's custom fields of the customer profile —
 * add one (key, name, type, options), rename it or change its options, delete it.
 */
export default function ContactFieldsPage() {
  const t = useT();
  const ct = useContactT();
  const say = useSay();
  const [deleting, setDeleting] = useState<FieldDefinition | null>(null);
  const admin = useWorkspace((s) => s.me.role === 'admin');
  const [fields, setFields] = useState<FieldDefinition[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [type, setType] = useState<FieldType>('text');
  const [options, setOptions] = useState('');
  const [busy, setBusy] = useState(false);
  const [again, setAgain] = useState(0);
  const ids = useId();

  useEffect(() => {
    if (!admin) return;
    const ac = new AbortController();
    contactsApi.fields(ac.signal).then(
      (r) => setFields(r.fields),
      (err: unknown) => !ac.signal.aborted && setError(err),
    );
    return () => ac.abort();
  }, [admin, again]);

  if (!admin) {
    return (
      <section className="admin-page" aria-labelledby="fields-title">
        <h1 id="fields-title">{ct('def.title')}</h1>
        <div className="ck-alert info">{ct('def.adminOnly')}</div>
      </section>
    );
  }

  const keyInvalid = key !== '' && !FIELD_KEY.test(key);
  const opts = splitOptions(options);
  const ready = FIELD_KEY.test(key) && label.trim() !== '' && (type !== 'option' || opts.length > 0);
  const add = async () => {
    if (!ready) return;
    setBusy(true);
    try {
      await contactsApi.createField({ key, label: label.trim(), type, ...(type === 'option' ? { options: opts } : {}) });
      say(ct('def.added'));
      setKey('');
      setLabel('');
      setOptions('');
      setType('text');
      setAgain((n) => n + 1);
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setBusy(false);
    }
  };
  const patch = async (f: FieldDefinition, change: { label?: string; options?: string[] }) => {
    try {
      await contactsApi.updateField(f.id, change);
      say(ct('profile.saved'));
      setAgain((n) => n + 1);
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
      throw err;
    }
  };
  const remove = async (f: FieldDefinition) => {
    setBusy(true);
    try {
      await contactsApi.deleteField(f.id);
      say(ct('def.deleted'));
      setDeleting(null);
      setAgain((n) => n + 1);
    } catch (err) {
      say(contactErrorText(err, ct, t), 'error');
    } finally {
      setBusy(false);
    }
  };
  const edit = { hint: ct('profile.clickToEdit') };

  return (
    <section className="admin-page contacts-page" data-testid="contact-fields-page" aria-labelledby="fields-title">
      <div className="admin-head">
        <div>
          <h1 id="fields-title">{ct('def.title')}</h1>
          <div className="muted">{ct('def.intro')}</div>
        </div>
        <div className="contacts-head-actions">
          <ContactTabs />
        </div>
      </div>
      {error ? (
        <div className="ck-alert error" role="alert">
          {contactErrorText(error, ct, t)}
        </div>
      ) : null}
      <form
        className="ck-card contact-field-form"
        aria-label={ct('def.add')}
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="profile-field">
          <label htmlFor={`${ids}-key`}>{ct('def.key')}</label>
          <input
            id={`${ids}-key`}
            className={`ck-input${keyInvalid ? ' invalid' : ''}`}
            value={key}
            onChange={(e) => setKey(e.target.value.trim())}
            maxLength={32}
            aria-invalid={keyInvalid}
            aria-describedby={`${ids}-key-hint`}
            placeholder="city"
            autoComplete="off"
            data-testid="field-key"
          />
          <div id={`${ids}-key-hint`} className={keyInvalid ? 'ck-field-error small' : 'muted small'}>
            {keyInvalid ? ct('def.keyInvalid') : ct('def.keyHint')}
          </div>
        </div>
        <div className="profile-field">
          <label htmlFor={`${ids}-label`}>{ct('def.label')}</label>
          <input id={`${ids}-label`} className="ck-input" value={label} onChange={(e) => setLabel(e.target.value)} maxLength={40} data-testid="field-label-input" />
        </div>
        <div className="profile-field">
          <label htmlFor={`${ids}-type`}>{ct('def.type')}</label>
          <select id={`${ids}-type`} className="ck-select" value={type} onChange={(e) => setType(e.target.value as FieldType)} data-testid="field-type">
            {FIELD_TYPES.map((x) => (
              <option key={x} value={x}>
                {ct(`def.type.${x}`)}
              </option>
            ))}
          </select>
        </div>
        {type === 'option' ? (
          <div className="profile-field">
            <label htmlFor={`${ids}-options`}>{ct('def.options')}</label>
            <input id={`${ids}-options`} className="ck-input" value={options} onChange={(e) => setOptions(e.target.value)} placeholder={ct('def.optionsHint')} maxLength={1000} data-testid="field-options-input" />
          </div>
        ) : null}
        <Btn type="submit" kind="primary" disabled={!ready} busy={busy} data-testid="field-add">
          {ct('def.add')}
        </Btn>
      </form>
      <div className="ck-table-wrap">
        <table className="ck-table" aria-labelledby="fields-title" aria-busy={fields === null && !error}>
          <thead>
            <tr>
              <th scope="col">{ct('def.key')}</th>
              <th scope="col">{ct('def.label')}</th>
              <th scope="col">{ct('def.type')}</th>
              <th scope="col">{ct('def.options')}</th>
              <th scope="col">{ct('def.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(fields ?? []).map((f) => (
              <tr key={f.id} data-testid="field-row" data-key={f.key}>
                <td>
                  <code>{f.key}</code>
                </td>
                <td>
                  <EditableText
                    {...edit}
                    value={f.label}
                    placeholder={f.label}
                    label={ct('def.label')}
                    maxLength={40}
                    testId="field-label"
                    onSave={async (v) => {
                      if (v) await patch(f, { label: v });
                    }}
                  />
                </td>
                <td>
                  <Tag>{ct(`def.type.${f.type}`)}</Tag>
                </td>
                <td>
                  {f.type === 'option' ? (
                    <EditableText
                      {...edit}
                      value={f.options.join('，')}
                      placeholder={ct('def.optionsHint')}
                      label={ct('def.options')}
                      maxLength={1000}
                      testId="field-options"
                      onSave={async (v) => {
                        const next = splitOptions(v ?? '');
                        if (next.length) await patch(f, { options: next });
                      }}
                    />
                  ) : null}
                </td>
                <td>
                  <Btn small kind="danger" onClick={() => setDeleting(f)} aria-label={`${ct('def.delete')} ${f.label}`} data-testid="field-delete">
                    {ct('def.delete')}
                  </Btn>
                </td>
              </tr>
            ))}
            {fields?.length === 0 ? (
              <tr>
                <td colSpan={5} className="ck-empty">
                  {ct('def.none')}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      <Dialog
        open={deleting !== null}
        title={ct('def.deleteTitle', { label: deleting?.label ?? '' })}
        onClose={() => setDeleting(null)}
        testId="field-delete-dialog"
        actions={
          <>
            <Btn onClick={() => setDeleting(null)}>{t('common.cancel')}</Btn>
            <Btn kind="danger" busy={busy} onClick={() => deleting && void remove(deleting)} data-testid="field-delete-confirm">
              {ct('def.delete')}
            </Btn>
          </>
        }
      >
        <p>{ct('def.intro')}</p>
      </Dialog>
    </section>
  );
}
