import { useEffect, useRef, useState } from 'react';
import { assistApi, type ForbiddenFinding } from '../../../api/assist';
import { useT, type MessageKey } from '../../../i18n';

/** How long the draft must rest before it is checked. */
const DEBOUNCE_MS = 400;
const MAX_CHECK_CHARS = 2000;

/** A finding still in the draft: its span moved to where its words are now (the agent kept typing). */
function relocate(text: string, f: ForbiddenFinding): ForbiddenFinding | null {
  if (text.slice(f.span[0], f.span[1]) === f.text) return f;
  const at = text.indexOf(f.text);
  return at < 0 ? null : { ...f, span: [at, at + f.text.length] };
}

/**
 * 服务禁语 while the agent types: the draft is checked (debounced, POST /nlp/analyze as agent text)
 * and each finding still in the draft is shown. Checking never blocks sending.
 */
export function useForbiddenCheck(text: string, enabled: boolean, locale?: 'zh-CN' | 'en'): { findings: ForbiddenFinding[]; dismiss: (f: ForbiddenFinding) => void } {
  const [checked, setChecked] = useState<ForbiddenFinding[]>([]);
  const [dismissed, setDismissed] = useState<Set<string>>(() => new Set());
  const seq = useRef(0);

  useEffect(() => {
    const n = ++seq.current;
    const draft = text.trim();
    if (!enabled || !draft || text.length > MAX_CHECK_CHARS) {
      setChecked([]);
      return;
    }
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      assistApi
        .analyze(text, 'agent', { signal: abort.signal, locale })
        .then((r) => {
          if (n === seq.current) setChecked(r.forbidden);
        })
        .catch(() => {
          /* a failed check shows nothing: it is help, not a gate */
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [text, enabled, locale]);

  useEffect(() => {
    if (!text) setDismissed(new Set()); // a new draft starts fresh
  }, [text]);

  const findings = checked
    .map((f) => relocate(text, f))
    .filter((f): f is ForbiddenFinding => f !== null && !dismissed.has(`${f.category}:${f.text}`));
  return { findings, dismiss: (f) => setDismissed((s) => new Set(s).add(`${f.category}:${f.text}`)) };
}

/** The inline warning under the draft: category, the words, the polite rewrite applied with one click. */
export function ForbiddenWarning({ findings, onApply, onDismiss }: { findings: ForbiddenFinding[]; onApply: (f: ForbiddenFinding) => void; onDismiss: (f: ForbiddenFinding) => void }) {
  const t = useT();
  return (
    <div className="forbidden-warning-region" role="status" aria-live="polite" data-testid="forbidden-region">
      {findings.length > 0 ? (
        <div className="forbidden-warning" data-testid="forbidden-warning">
          <strong className="forbidden-title">{t('forbidden.title')}</strong>
          {findings.slice(0, 3).map((f) => (
            <div key={`${f.category}:${f.span[0]}`} className="forbidden-item" data-category={f.category}>
              <span>
                {t('forbidden.found', { phrase: f.text, category: t(`forbidden.category.${f.category}` as MessageKey) })}
                {t('forbidden.suggest', { suggestion: f.suggestion })}
              </span>
              <span className="forbidden-actions">
                <button type="button" className="forbidden-apply" data-testid="forbidden-apply" onClick={() => onApply(f)}>
                  {t('forbidden.apply')}
                </button>
                <button type="button" className="link-button" onClick={() => onDismiss(f)}>
                  {t('forbidden.dismiss')}
                </button>
              </span>
            </div>
          ))}
          <span className="forbidden-note">{t('forbidden.stillSend')}</span>
        </div>
      ) : null}
    </div>
  );
}
