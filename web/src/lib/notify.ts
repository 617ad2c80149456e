/**
 * Attention for new customer messages: a short chime made with WebAudio (no
 * audio files) and a desktop Notification. Both are throttled so a busy queue
 * never turns into a wall of sound; notifications are tagged per conversation
 * so a second message replaces the first instead of stacking.
 */
export type NotifyPermission = NotificationPermission | 'unsupported';

const CHIME_GAP_MS = 1500;
/** Per conversation, at most one desktop notification this often; the latest message is shown after the pause. */
const DESKTOP_GAP_MS = 4000;

interface DesktopOptions {
  title: string;
  body: string;
  tag: string;
  onClick: () => void;
}
const ASKED_KEY = 'zhike.console.notifyAsked';

export class Notifier {
  private audio: AudioContext | null = null;
  private lastChime = 0;
  private desktopState = new Map<string, { last: number; timer: number | null; pending: DesktopOptions | null }>();

  constructor() {
    // Browsers only let audio start after a user gesture: prepare the context on the first one.
    const unlock = () => {
      this.context()
        ?.resume()
        .catch(() => {});
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
    };
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
  }

  get permission(): NotifyPermission {
    return 'Notification' in window ? Notification.permission : 'unsupported';
  }

  /** Whether we already asked once (the header offers the control until the agent decides). */
  get asked(): boolean {
    try {
      return window.localStorage.getItem(ASKED_KEY) === '1';
    } catch {
      return false;
    }
  }

  /** Ask for permission: call from a click (browsers ignore or penalise unprompted requests). */
  async requestPermission(): Promise<NotifyPermission> {
    if (!('Notification' in window)) return 'unsupported';
    try {
      window.localStorage.setItem(ASKED_KEY, '1');
    } catch {
      /* ignore */
    }
    try {
      return await Notification.requestPermission();
    } catch {
      return Notification.permission;
    }
  }

  chime(): void {
    const now = Date.now();
    if (now - this.lastChime < CHIME_GAP_MS) return;
    this.lastChime = now;
    const ctx = this.context();
    if (!ctx || ctx.state !== 'running') return;
    const t0 = ctx.currentTime;
    const tone = (freq: number, start: number, dur: number) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + start);
      gain.gain.exponentialRampToValueAtTime(0.18, t0 + start + 0.015);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + start + dur);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + start);
      osc.stop(t0 + start + dur + 0.02);
    };
    tone(880, 0, 0.16);
    tone(1318.5, 0.12, 0.22);
  }

  /** Shows a notification, coalescing bursts: a customer typing ten lines in a row gives one or two, never ten. */
  desktop(opts: DesktopOptions): void {
    if (this.permission !== 'granted') return;
    const now = Date.now();
    const st = this.desktopState.get(opts.tag) ?? { last: 0, timer: null, pending: null };
    this.desktopState.set(opts.tag, st);
    if (st.timer === null && now - st.last >= DESKTOP_GAP_MS) {
      st.last = now;
      this.show(opts);
      return;
    }
    st.pending = opts;
    if (st.timer === null) {
      st.timer = window.setTimeout(() => {
        st.timer = null;
        if (st.pending) {
          st.last = Date.now();
          this.show(st.pending);
          st.pending = null;
        }
      }, DESKTOP_GAP_MS - (now - st.last));
    }
  }

  private show(opts: DesktopOptions): void {
    try {
      const n = new Notification(opts.title, { body: opts.body, tag: opts.tag, silent: true });
      n.onclick = () => {
        window.focus();
        opts.onClick();
        n.close();
      };
      window.setTimeout(() => n.close(), 10_000);
    } catch {
      /* some platforms only allow notifications from a service worker */
    }
  }

  private context(): AudioContext | null {
    if (this.audio) return this.audio;
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return null;
    try {
      this.audio = new Ctor();
    } catch {
      return null;
    }
    return this.audio;
  }
}
