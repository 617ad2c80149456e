/**
 * Puts text into the open conversation's reply box, as if the agent had typed it (the
 * composer's own change handler runs: its draft, typing indicator and 禁语 check see it).
 * Agent assist (suggested answers, coaching lines) uses it without reaching into the
 * composer: the reply box is the `reply-input` textarea of the conversation view.
 * Returns false when there is no reply box to write into (someone else's, resolved).
 */
export function insertIntoComposer(conversationId: number, text: string): boolean {
  const view = document.querySelector(`.conv-view[data-conversation-id="${conversationId}"]`);
  const box = view?.querySelector<HTMLTextAreaElement>('textarea[data-testid="reply-input"]');
  if (!box || box.disabled) return false;
  const current = box.value;
  const next = current.trim() ? `${current.replace(/\s+$/, '')}\n${text}` : text;
  // React tracks the value it set: go through the native setter so the change event counts
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
  setter?.call(box, next);
  box.dispatchEvent(new Event('input', { bubbles: true }));
  box.focus();
  box.setSelectionRange(next.length, next.length);
  return true;
}
