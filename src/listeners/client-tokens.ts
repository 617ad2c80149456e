import { isEvent } from '../core/events.js';
import type { Listener } from '../events/dispatcher.js';
import type { ClientTokenCache } from '../storage/client-tokens.js';

/** A changed contact or inbox is read afresh by the client API's next request (storage/client-tokens.ts). */
export function clientTokensListener(cache: ClientTokenCache): Listener {
  return {
    name: 'client-tokens',
    events: ['contact.updated', 'contact.merged', 'contact.merge_undone', 'contact.erased', 'inbox.updated'],
    handle(e) {
      if (isEvent(e, 'contact.updated') || isEvent(e, 'contact.erased')) cache.forgetContact(e.data.contactId);
      else if (isEvent(e, 'contact.merge_undone')) {
        // the old token is its own contact's again
        cache.forgetContact(e.data.contactId);
        cache.forgetContact(e.data.into);
      }
      else if (isEvent(e, 'contact.merged')) {
        // the visitor's token now stands for the customer
        cache.forgetContact(e.data.contactId);
        cache.forgetContact(e.data.into);
      }
      else if (isEvent(e, 'inbox.updated')) cache.forgetInbox(e.data.inboxId);
    },
  };
}
