/**
 * Zhike 知客 website chat widget.
 *
 *   <script src="https://HOST/widget.js" data-inbox="TOKEN" async></script>
 *
 * A logged-in user of the site may be given as data-user-id, data-user-timestamp and
 * data-user-signature (signed on the site's server; data-user-name / -email / -phone
 * optional), or later with identify({userId, timestamp, signature, …}): docs/identity.md.
 *
 * Built as one IIFE; its exports become `window.ZhikeWidget` (open / close /
 * toggle / identify) for the host page.
 */
import { Api } from './api';
import { Chat, fetchConfig } from './chat';
import { readEnv } from './env';
import { Store } from './store';
import type { Identity, WidgetConfig } from './types';

interface Instance {
  open(): void;
  close(): void;
  toggle(): void;
  identify(who: Identity): void;
}

declare global {
  interface Window {
    /** The running widget. A second copy of the script on the page finds it and defers to it. */
    __zhikeWidget?: Instance;
  }
}

let chat: Chat | null = null;
const waiting: ((c: Chat) => void)[] = [];
/** Calls from the host page before the widget is mounted run once it is. */
const later = (fn: (c: Chat) => void) => (chat ? fn(chat) : void waiting.push(fn));

function mount(env: NonNullable<ReturnType<typeof readEnv>>, store: Store, fresh?: WidgetConfig): void {
  if (!document.body) {
    document.addEventListener('DOMContentLoaded', () => mount(env, store, fresh), { once: true });
    return;
  }
  const c = (chat = new Chat(env, store));
  c.start(fresh);
  waiting.splice(0).forEach((fn) => fn(c));
}

function boot(): void {
  if (window.__zhikeWidget) return;
  const env = readEnv(); // synchronously: document.currentScript is only set now
  if (!env) {
    console.error('[zhike] widget.js needs a data-inbox attribute on its <script> tag');
    return;
  }
  window.__zhikeWidget = {
    open: () => later((c) => c.open()),
    close: () => later((c) => c.close()),
    toggle: () => later((c) => c.toggle()),
    identify: (who) => later((c) => c.identify(who)),
  };
  const store = new Store(env.inbox);
  // Colour, title and (without data-locale) language come from the inbox: without a
  // remembered config, ask first, so the launcher never flashes in the wrong colour or language.
  if (store.get().cfg) mount(env, store);
  else {
    void fetchConfig(new Api(env.origin, env.inbox, () => null, env.locale), store).then((cfg) => {
      if (cfg !== 'unknown') mount(env, store, cfg ?? undefined);
    });
  }
}

boot();

export const open = (): void => window.__zhikeWidget?.open();
export const close = (): void => window.__zhikeWidget?.close();
export const toggle = (): void => window.__zhikeWidget?.toggle();
export const identify = (who: Identity): void => window.__zhikeWidget?.identify(who);
