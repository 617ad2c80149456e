import { MessageOutlined } from '@ant-design/icons';
import { useEffect } from 'react';
import { useParams } from 'react-router';
import { useT } from '../../i18n';
import { useController, useWorkspace } from '../../stores/workspace/context';
import { ContactPanel } from './ContactPanel';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';

/** 工作台: list | conversation | customer. The URL holds the open conversation (/conversations/:id). */
export function WorkspacePage() {
  const t = useT();
  const controller = useController();
  const params = useParams();
  const parsed = Number(params.conversationId);
  const activeId = Number.isInteger(parsed) && parsed > 0 ? parsed : null;
  const conversation = useWorkspace((s) => (activeId ? s.conversations[activeId] : undefined));
  const waiting = useWorkspace((s) => s.list.counts?.unassigned ?? 0);

  useEffect(() => {
    controller.open(activeId);
  }, [controller, activeId]);
  useEffect(() => () => controller.open(null), [controller]);

  return (
    <div className="workspace">
      <h1 className="sr-only">{t('nav.workspace')}</h1>
      <ConversationList activeId={activeId} />
      {activeId ? (
        <ConversationView conversationId={activeId} />
      ) : (
        <section className="conv-view conv-view-placeholder">
          <MessageOutlined style={{ fontSize: 48, color: '#d0d5dd' }} />
          <div className="placeholder-title">{t('view.pick')}</div>
          {waiting > 0 ? <div className="muted">{t('view.pickHint', { n: waiting })}</div> : null}
        </section>
      )}
      {conversation ? (
        <ContactPanel key={conversation.contactId} conversation={conversation} />
      ) : (
        <aside className="contact-panel empty">
          <div className="contact-panel-hint">{t('contact.title')}</div>
        </aside>
      )}
    </div>
  );
}
