import { HttpStatus } from '@nestjs/common';

/** Every error either service answers: `{statusCode, error, message, details?}` (DESIGN §8). */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/** An error as the HTTP layer answers it: the body, and headers such as `Retry-After`. */
export interface ErrorReply {
  body: ErrorBody;
  headers?: Record<string, string>;
}

/**
 * Turns one family of errors (a domain's rules, the storage helper's) into a reply; `undefined`
 * when the error is not of its family. Domain and storage code throw their own plain error classes
 * and never know about HTTP: the mappers are the one place where they become status codes.
 */
export type ErrorMapper = (err: unknown) => ErrorReply | undefined;

/** "Service Unavailable", "Not Found": the reason phrase of a status code. */
export function reasonPhrase(statusCode: number): string {
  return (HttpStatus[statusCode] ?? 'Error')
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}

export function errorBody(statusCode: number, message: string, details?: unknown): ErrorBody {
  const error = reasonPhrase(statusCode);
  return details === undefined ? { statusCode, error, message } : { statusCode, error, message, details };
}
