/** A broken business rule, with a stable code the edges map to their own status codes. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type DomainErrorCode =
  | 'CUSTOMER.NAME_REQUIRED'
  | 'CUSTOMER.NAME_TOO_LONG'
  | 'CUSTOMER.CODE_TAKEN'
  | 'CUSTOMER.NOT_FOUND'
  | 'CUSTOMER.VERSION_MISMATCH'
  | 'CUSTOMER.NOTHING_TO_PUSH'
  | 'CUSTOMER.NOT_LINKED'
  | 'XERO.NOT_CONNECTED'
  | 'IMPORT.NOT_FOUND'
  | 'IMPORT.ALREADY_RUNNING'
  | 'IMPORT.FINISHED';

export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
