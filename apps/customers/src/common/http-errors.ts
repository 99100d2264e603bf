import { HttpStatus } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@pos/customers-domain';
import { ErrorMapper, errorBody } from '@pos/service-kit';

/** The one place where the customers' domain rules become HTTP status codes. */
const STATUS_OF: Record<DomainErrorCode, number> = {
  'CUSTOMER.NAME_REQUIRED': HttpStatus.BAD_REQUEST,
  'CUSTOMER.NAME_TOO_LONG': HttpStatus.BAD_REQUEST,
  'CUSTOMER.CODE_TAKEN': HttpStatus.CONFLICT,
  'CUSTOMER.NOT_FOUND': HttpStatus.NOT_FOUND,
  'CUSTOMER.VERSION_MISMATCH': HttpStatus.PRECONDITION_FAILED,
  'CUSTOMER.NOTHING_TO_PUSH': HttpStatus.CONFLICT,
  'CUSTOMER.NOT_LINKED': HttpStatus.CONFLICT,
  'XERO.NOT_CONNECTED': HttpStatus.CONFLICT,
  'IMPORT.NOT_FOUND': HttpStatus.NOT_FOUND,
  'IMPORT.ALREADY_RUNNING': HttpStatus.CONFLICT,
  'IMPORT.FINISHED': HttpStatus.CONFLICT,
};

/** A broken domain rule: its status, its message, and its stable code in `details`. */
export const domainErrors: ErrorMapper = (err) =>
  err instanceof DomainError
    ? { body: errorBody(STATUS_OF[err.code] ?? HttpStatus.BAD_REQUEST, err.message, { code: err.code, ...err.details }) }
    : undefined;

/**
 * The customers service's error mappers, tried before the platform's (the shared error filter in
 * @pos/service-kit; storage errors such as the write helper's busy error are mapped there, in
 * PLATFORM_ERROR_MAPPERS, because both services write through the same helper).
 */
export const CUSTOMERS_ERROR_MAPPERS: readonly ErrorMapper[] = [domainErrors];
