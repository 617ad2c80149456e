import { Alert, App, Button, Drawer, Form, Input, Popconfirm, Radio, Tag } from 'antd';
import { useState } from 'react';
import {
  MAX_CANNED_CATEGORY_CHARS,
  MAX_CANNED_CONTENT_CHARS,
  MAX_CANNED_SHORTCUT_CHARS,
  MAX_CANNED_TITLE_CHARS,
} from '../../../../../src/core/assist/canned';
import { assistApi, type CannedReply, type CannedScope } from '../../../api/assist';
import { useT } from '../../../i18n';
import { errorText } from '../../../lib/errors';
import { reloadCannedReplies, useCannedReplies } from './cannedStore';

interface FormValues {
  scope: CannedScope;
  title: string;
  content: string;
  shortcut?: string;
  category?: string;
}

/**
 * 快捷回复 management, a drawer from the composer (lazy: its form parts load when first opened).
 * Everyone manages their personal replies; administrators also the team's.
 */
export default function CannedRepliesDrawer({ open, onClose, isAdmin }: { open: boolean; onClose: () => void; isAdmin: boolean }) {
  const t = useT();
  const { message } = App.useApp();
  const replies = useCannedReplies(open);
  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<FormValues>();

  const mayEdit = (r: CannedReply) => r.scope === 'personal' || isAdmin;

  const submit = async (v: FormValues) => {
    setSaving(true);
    const body = { title: v.title, content: v.content, shortcut: v.shortcut?.trim() || null, category: v.category?.trim() || null };
    try {
      if (editing === 'new') await assistApi.createCannedReply({ ...body, scope: v.scope });
      else if (editing) await assistApi.updateCannedReply(editing.id, body);
      await reloadCannedReplies();
      message.success(t('canned.saved'));
      setEditing(null);
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setSaving(false);
    }
  };

  const remove = async (r: CannedReply) => {
    try {
      await assistApi.deleteCannedReply(r.id);
      await reloadCannedReplies();
      message.success(t('canned.deleted'));
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  // grouped by category, the team's first (the server's order)
  const groups = new Map<string, CannedReply[]>();
  for (const r of replies ?? []) {
    const key = r.category ?? t('canned.uncategorised');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }

  return (
    <Drawer open={open} onClose={onClose} title={t('canned.manage')} size="large" destroyOnHidden data-testid="canned-drawer">
      {editing ? (
        <Form
          form={form}
          layout="vertical"
          requiredMark="optional"
          preserve={false}
          initialValues={
            editing === 'new'
              ? { scope: 'personal' }
              : { scope: editing.scope, title: editing.title, content: editing.content, shortcut: editing.shortcut ?? '', category: editing.category ?? '' }
          }
          onFinish={submit}
        >
          <Form.Item name="scope" label={t('canned.scope')}>
            <Radio.Group disabled={editing !== 'new'}>
              <Radio value="personal">{t('canned.scope.personal')}</Radio>
              <Radio value="team" disabled={!isAdmin}>
                {t('canned.scope.team')}
              </Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="title" label={t('canned.title')} rules={[{ required: true, whitespace: true, max: MAX_CANNED_TITLE_CHARS }]}>
            <Input maxLength={MAX_CANNED_TITLE_CHARS} data-testid="canned-title" />
          </Form.Item>
          <Form.Item name="content" label={t('canned.content')} extra={t('canned.contentHelp')} rules={[{ required: true, whitespace: true, max: MAX_CANNED_CONTENT_CHARS }]}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={MAX_CANNED_CONTENT_CHARS} data-testid="canned-content" />
          </Form.Item>
          <Form.Item name="shortcut" label={t('canned.shortcut')} extra={t('canned.shortcutHelp')} rules={[{ pattern: /^[A-Za-z0-9_-]*$/, message: t('canned.shortcutHelp') }]}>
            <Input maxLength={MAX_CANNED_SHORTCUT_CHARS} data-testid="canned-shortcut" />
          </Form.Item>
          <Form.Item name="category" label={t('canned.category')}>
            <Input maxLength={MAX_CANNED_CATEGORY_CHARS} data-testid="canned-category" />
          </Form.Item>
          <div className="canned-form-actions">
            <Button onClick={() => setEditing(null)}>{t('common.cancel')}</Button>
            <Button type="primary" htmlType="submit" loading={saving} data-testid="canned-save">
              {t('common.save')}
            </Button>
          </div>
        </Form>
      ) : (
        <>
          {!isAdmin ? <Alert type="info" showIcon title={t('canned.teamAdminOnly')} className="canned-admin-note" /> : null}
          <Button type="primary" onClick={() => setEditing('new')} data-testid="canned-add" className="canned-add">
            {t('canned.add')}
          </Button>
          {[...groups].map(([category, list]) => (
            <section key={category} className="canned-group">
              <h3 className="canned-group-title">{category}</h3>
              <ul className="canned-list">
                {list.map((r) => (
                  <li key={r.id} className="canned-item" data-testid="canned-item">
                    <div className="canned-item-head">
                      <strong>{r.title}</strong>
                      {r.shortcut ? <Tag>/{r.shortcut}</Tag> : null}
                      <Tag color={r.scope === 'team' ? 'blue' : 'default'}>{t(r.scope === 'team' ? 'canned.scope.team' : 'canned.scope.personal')}</Tag>
                      {mayEdit(r) ? (
                        <span className="canned-item-actions">
                          <Button size="small" type="link" onClick={() => setEditing(r)}>
                            {t('canned.edit')}
                          </Button>
                          <Popconfirm title={t('canned.deleteConfirm')} onConfirm={() => remove(r)} okText={t('canned.delete')} cancelText={t('common.cancel')}>
                            <Button size="small" type="link" danger>
                              {t('canned.delete')}
                            </Button>
                          </Popconfirm>
                        </span>
                      ) : null}
                    </div>
                    <div className="canned-item-content">{r.content}</div>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </Drawer>
  );
}
