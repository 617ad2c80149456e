import { isEvent } from '../core/events.js';
import type { Listener } from '../events/dispatcher.js';
import type { ClientTokenCache } from '../storage/client-tokens.js';

/** A changed contact or inbox is read afresh by the client API's next request (storage/client-tokens.ts). */
export function clientTokensListener(cache: ClientTokenCache): Listener {
  return {
    name: 'client-tokens',
    events: ['contact.updated', 'contact.merged', 'inbox.updated'],
    handle(e) {
      if (isEvent(e, 'contact.updated')) cache.forgetContact(e.data.contactId);
      else if (isEvent(e, 'contact.merged')) {
        // the visitor's token now stands for the customer
        cache.forgetContact(e.data.contactId);
        cache.forgetContact(e.data.into);
      }
      else if (isEvent(e, 'inbox.updated')) cache.forgetInbox(e.data.inboxId);
    },
  };
}
