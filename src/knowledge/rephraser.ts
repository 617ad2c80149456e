import { acceptRephrase, rephrasePrompt, type AnswerRephraser, type RephraseInput } from '../core/knowledge/rephrase.js';

interface Log {
  warn(obj: object, msg?: string): void;
}

/**
 * The optional rewording of knowledge-base answers through an OpenAI-compatible chat API
 * (`POST {url}/chat/completions`: DeepSeek, Qwen, vLLM, Ollama…). Any failure — the network,
 * a status, a timeout, an answer the checks refuse — gives null, and the bot sends the
 * article's own answer: the model can only make an answer friendlier, never break the bot.
 */
export class OpenAiCompatibleRephraser implements AnswerRephraser {
  constructor(
    private readonly cfg: { url: string; key?: string; model: string; timeoutMs: number },
    private readonly log?: Log,
  ) {}

  async rephrase(input: RephraseInput): Promise<string | null> {
    try {
      const res = await fetch(`${this.cfg.url.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(this.cfg.key ? { authorization: `Bearer ${this.cfg.key}` } : {}) },
        body: JSON.stringify({ model: this.cfg.model, messages: rephrasePrompt(input), temperature: 0.2, max_tokens: 800, stream: false }),
        signal: AbortSignal.timeout(this.cfg.timeoutMs),
      });
      if (!res.ok) {
        this.log?.warn({ status: res.status }, 'answer rephrasing: the model API refused; the article’s answer is sent as written');
        return null;
      }
      const body = (await res.json()) as { choices?: { message?: { content?: unknown } }[] };
      const text = body.choices?.[0]?.message?.content;
      return acceptRephrase(typeof text === 'string' ? text : null, input.article.answer);
    } catch (err) {
      this.log?.warn({ err: (err as Error).message }, 'answer rephrasing failed; the article’s answer is sent as written');
      return null;
    }
  }
}
