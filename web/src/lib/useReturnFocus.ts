import { useLayoutEffect } from 'react';

/**
 * For a dialog (Modal, Drawer) that is mounted while open and unmounted on close:
 * antd gives focus back to the button that opened it only at the end of its close
 * animation, which an unmounted dialog never reaches, so a keyboard user was left
 * on <body>. Call it at the top of the dialog's component: on unmount, focus goes
 * back to what had it when the dialog mounted, if nothing else took it since.
 */
export function useReturnFocus(): void {
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement && document.activeElement !== document.body ? document.activeElement : null;
    return () => {
      if (!opener) return;
      // after the dialog's nodes are gone (the focus may still sit in them until then)
      requestAnimationFrame(() => {
        const now = document.activeElement;
        if (opener.isConnected && (!now || now === document.body || !now.isConnected)) opener.focus();
      });
    };
  }, []);
}
