/**
 * A domain error carries a stable machine code (UIs translate it), an English
 * message that says what was wrong and what to do, and the HTTP status the edge
 * should answer with. The core never imports HTTP; `status` is only a hint.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) =>
  new DomainError(`${what}_not_found`, `${what.replace(/_/g, ' ')} not found (or not in your workspace)`, 404);

export const forbidden = (message: string) => new DomainError('forbidden', message, 403);
