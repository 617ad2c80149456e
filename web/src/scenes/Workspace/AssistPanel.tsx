import { BookOutlined, BulbOutlined, CloseOutlined, EnterOutlined } from '@ant-design/icons';
import { App, Button, Tooltip } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { ComplaintStep, CoachingMessage } from '../../../../src/core/assist/coaching';
import { STRONG_ANGER } from '../../../../src/core/assist/insight';
import { ApiError, request } from '../../api/client';
import type { Conversation, Message } from '../../api/types';
import { useI18n, useT } from '../../i18n';
import { useAssist } from '../../stores/assist';
import { useWorkspace } from '../../stores/workspace/context';
import { insertIntoComposer } from './composerInsert';

const NO_MESSAGES: Message[] = [];

type CoachingModule = typeof import('../../../../src/core/assist/coaching');
/** The six steps' rules and lines load with the first complaint, not with the console. */
let coachingModule: CoachingModule | null = null;
let coachingLoading: Promise<CoachingModule> | null = null;
function useCoachingModule(wanted: boolean): CoachingModule | null {
  const [mod, setMod] = useState(coachingModule);
  useEffect(() => {
    if (!wanted || mod) return;
    let live = true;
    coachingLoading ??= import('../../../../src/core/assist/coaching').then((m) => (coachingModule = m));
    void coachingLoading.then((m) => live && setMod(m));
    return () => {
      live = false;
    };
  }, [wanted, mod]);
  return mod;
}
/** Steps the agent closed, per conversation: the card comes back when the step changes. */
const dismissed = new Map<number, number>();

/** Agent assist above the reply box: the complaint coaching card and suggested answers (docs/agent-assist.md). */
export function AssistPanel({ conversation }: { conversation: Conversation }) {
  return (
    <div className="assist-panel">
      <CoachingCard conversation={conversation} />
      <SuggestedAnswers conversation={conversation} />
    </div>
  );
}

function useInsert() {
  const t = useT();
  const { message } = App.useApp();
  return (conversationId: number, text: string) => {
    if (!insertIntoComposer(conversationId, text)) message.warning(t('assist.cannotInsert'));
  };
}

/** For a complaint or an angry customer: the current step of the six and what to say now (3F / CLEAR). */
function CoachingCard({ conversation: c }: { conversation: Conversation }) {
  const { t, locale } = useI18n();
  const ui = (x: { zh: string; en: string }) => (locale === 'en' ? x.en : x.zh);
  const insert = useInsert();
  const messages = useWorkspace((s) => s.threads[c.id]?.messages ?? NO_MESSAGES);
  const me = useWorkspace((s) => s.me);
  const insight = useAssist((s) => s.insights[c.id]);
  const analyses = useAssist((s) => s.analyses);
  const [, redraw] = useState(0);
  // the same test as needsCoaching (core/assist/coaching.ts), without loading it for calm conversations
  const wanted = !!insight && (insight.complaint || insight.maxAnger >= STRONG_ANGER || insight.emotion.label === 'anger');
  const mod = useCoachingModule(wanted);
  const coaching = useMemo(() => {
    if (!mod || !wanted) return null;
    const input: CoachingMessage[] = messages.map((m) => ({ id: m.id, senderType: m.senderType, private: m.private, content: m.content, analysis: analyses[m.id] ?? null }));
    return mod.coachingFor(input, insight, me.agentNo);
  }, [mod, wanted, messages, analyses, insight, me.agentNo]);
  if (!mod || !coaching || dismissed.get(c.id) === coaching.step) return null;
  const { COMPLAINT_STEPS } = mod;
  const zh = c.locale !== 'en';
  return (
    <section className="coach-card" data-testid="coaching-card" data-step={coaching.step} aria-labelledby={`coach-title-${c.id}`}>
      <header className="coach-head">
        <BulbOutlined aria-hidden="true" />
        <h3 id={`coach-title-${c.id}`} className="coach-title">
          {t('coach.title', { step: coaching.step, name: ui(coaching.title) })}
        </h3>
        <span className="coach-because">{coaching.because.map((b) => t(b === 'complaint' ? 'coach.becauseComplaint' : 'coach.becauseAnger')).join(t('coach.and'))}</span>
        <Tooltip title={t('coach.dismiss')}>
          <Button
            type="text"
            size="small"
            icon={<CloseOutlined />}
            aria-label={t('coach.dismiss')}
            data-testid="coaching-dismiss"
            onClick={() => {
              dismissed.set(c.id, coaching.step);
              redraw((n) => n + 1);
            }}
          />
        </Tooltip>
      </header>
      <p className="coach-goal">{ui(coaching.goal)}</p>
      <ol className="coach-steps" aria-label={t('coach.stepsLabel')}>
        {([1, 2, 3, 4, 5, 6] as ComplaintStep[]).map((n) => (
          <li key={n} className={n === coaching.step ? 'current' : n < coaching.step ? 'done' : undefined} aria-current={n === coaching.step ? 'step' : undefined}>
            {n}
            <span className="coach-step-name">{locale === 'en' ? COMPLAINT_STEPS[n].en : COMPLAINT_STEPS[n].zh}</span>
          </li>
        ))}
      </ol>
      <ul className="coach-phrases">
        {coaching.phrases.map((p) => {
          const line = zh ? p.zh : p.en;
          return (
            <li key={`${p.model}-${p.part}`} data-testid="coaching-phrase">
              <span className="coach-model">
                {p.model} · {p.part}
              </span>
              <span className="coach-line">{line}</span>
              <Button size="small" type="link" icon={<EnterOutlined />} onClick={() => insert(c.id, line)} aria-label={t('coach.useLine', { line })}>
                {t('coach.use')}
              </Button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

interface SearchResult {
  articleId: number;
  question: string;
  score: number;
}

type Suggestions = { state: 'idle' } | { state: 'loading'; for: number } | { state: 'ready'; for: number; answered: boolean; results: SearchResult[] } | { state: 'unavailable'; for: number };

/** Suggested answers (知识库) for the customer's last message, inserted with one click. */
function SuggestedAnswers({ conversation: c }: { conversation: Conversation }) {
  const t = useT();
  const insert = useInsert();
  const { message } = App.useApp();
  const last = useWorkspace((s) => {
    const msgs = s.threads[c.id]?.messages ?? NO_MESSAGES;
    for (let i = msgs.length - 1; i >= 0; i--) if (msgs[i].senderType === 'customer' && msgs[i].content.trim()) return msgs[i];
    return null;
  });
  const [suggestions, setSuggestions] = useState<Suggestions>({ state: 'idle' });
  const [inserting, setInserting] = useState<number | null>(null);

  useEffect(() => {
    if (!last) return;
    let cancelled = false;
    setSuggestions({ state: 'loading', for: last.id });
    request<{ answered: boolean; results: SearchResult[] }>('/knowledge/search', { method: 'POST', body: { query: last.content.trim().slice(0, 200), limit: 3, locale: c.locale } })
      .then((r) => !cancelled && setSuggestions({ state: 'ready', for: last.id, answered: r.answered, results: r.results.slice(0, 3) }))
      // no knowledge base on this server yet (404), or it failed: the panel says so and stays out of the way
      .catch(() => !cancelled && setSuggestions({ state: 'unavailable', for: last.id }));
    return () => {
      cancelled = true;
    };
    // one search per new customer message (its id), not per re-render of the same one
  }, [last?.id]);

  if (!last || suggestions.state === 'idle') return null;
  const pick = async (articleId: number) => {
    setInserting(articleId);
    try {
      // the article itself, or wrapped as { article } (both shapes were proposed for GET /knowledge/articles/{id})
      type Article = { id: number; answer: string };
      const got = await request<Article | { article: Article }>(`/knowledge/articles/${articleId}`);
      insert(c.id, 'article' in got ? got.article.answer : got.answer);
    } catch (err) {
      message.error(err instanceof ApiError && err.status === 404 ? t('suggest.gone') : t('suggest.failed'));
    } finally {
      setInserting(null);
    }
  };
  return (
    <section className="suggest" data-testid="suggested-answers" data-state={suggestions.state} aria-label={t('suggest.title')}>
      <span className="suggest-title">
        <BookOutlined aria-hidden="true" /> {t('suggest.title')}
      </span>
      {suggestions.state === 'loading' ? <span className="suggest-note">{t('suggest.loading')}</span> : null}
      {suggestions.state === 'unavailable' ? <span className="suggest-note">{t('suggest.unavailable')}</span> : null}
      {suggestions.state === 'ready' && suggestions.results.length === 0 ? <span className="suggest-note">{t('suggest.none')}</span> : null}
      {suggestions.state === 'ready'
        ? suggestions.results.map((r, i) => (
            <Button
              key={r.articleId}
              size="small"
              className="suggest-item"
              data-testid="suggested-answer"
              data-article-id={r.articleId}
              loading={inserting === r.articleId}
              onClick={() => void pick(r.articleId)}
              title={t('suggest.insert', { question: r.question })}
            >
              {i === 0 && suggestions.answered ? <span className="suggest-best">{t('suggest.best')}</span> : null}
              <span className="suggest-q">{r.question}</span>
            </Button>
          ))
        : null}
    </section>
  );
}
