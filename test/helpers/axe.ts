import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: 'critical' | 'serious' | 'moderate' | 'minor' | null;
  help: string;
  nodes: { target: unknown[]; html: string; failureSummary?: string }[];
}

/**
 * axe-core's violations on the page, or in the elements `within` selects. It first lets the
 * page settle, because axe reads colours as they are on screen: the pointer leaves whatever it
 * last clicked (antd's hover shades are lighter), and entry animations, click waves and
 * loading states finish (endless spinners excepted), the widget's shadow root's included: a table
 * reloading (antd's Spin around content, which dims it to half opacity) is read once it has loaded.
 * The page's context needs `bypassCSP` for the injected script.
 */
export async function axeViolations(page: Page, within?: string | string[]): Promise<AxeViolation[]> {
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
  await page
    .waitForFunction(
      () => {
        const doc = (globalThis as any).document;
        // the widget draws in a shadow root: its animations are listed there, not on the document
        const roots = [doc, ...[...doc.querySelectorAll('*')].map((e: any) => e.shadowRoot).filter(Boolean)];
        const animating = !roots.every((r: any) => r.getAnimations().every((a: any) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity));
        return !animating && !doc.querySelector('.ant-spin-spinning > .ant-spin-container');
      },
      null,
      { timeout: 5000 },
    )
    .catch(() => {});
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE });
  const include = within === undefined ? null : (Array.isArray(within) ? within : [within]).map((s) => [s]);
  return (await page.evaluate(
    (include) => (globalThis as any).axe.run(include ? { include } : (globalThis as any).document, { resultTypes: ['violations'] }).then((r: any) => r.violations),
    include,
  )) as AxeViolation[];
}

export const isSerious = (v: AxeViolation) => v.impact === 'critical' || v.impact === 'serious';

/** The critical and serious violations, one readable line per rule with the elements it names. */
export async function seriousAxe(page: Page, within?: string | string[]): Promise<string[]> {
  return (await axeViolations(page, within)).filter(isSerious).map((v) => `${v.id} ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}
