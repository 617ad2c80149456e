import type { Contact } from '../model.js';
import { shownCustomFields, type CustomFieldDef } from './custom-fields.js';
import { maskContact } from './masking.js';
import { temperamentHint } from './temperament.js';

/** A contact as the API sends it to agents (contactSchema): masked unless revealed, with the coaching hint. */
export type ContactView = Contact & {
  /** one line of coaching for the temperament, in the caller's language */
  temperamentHint: string | null;
  /** phone, e-mail or ID numbers in this view are masked */
  masked: boolean;
};

/**
 * The one way a contact leaves the server for agents. Masked always, except for a reveal
 * (an audited act of someone allowed: canSeePersonalData); custom fields whose definition was
 * deleted are left out.
 */
export function presentContact(contact: Contact, opts: { reveal?: boolean; locale: 'zh-CN' | 'en'; fields: readonly Pick<CustomFieldDef, 'key'>[] }): ContactView {
  const shown: Contact = { ...contact, customFields: shownCustomFields(contact.customFields, opts.fields) };
  const { contact: out, masked } = opts.reveal ? { contact: shown, masked: false } : maskContact(shown);
  return { ...out, temperamentHint: temperamentHint(contact.temperament, opts.locale), masked };
}
