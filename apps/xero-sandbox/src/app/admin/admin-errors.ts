import {
  BadRequestException,
  HttpException,
  NotFoundException,
} from '@nestjs/common';
import { ContactBookError } from '../contacts/contact-book';
import { OAuthError } from '../oauth/oauth-server';

/** Runs an admin action, turning rule violations into 400/404 replies with the reasons. */
export function adminAction<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HttpException) throw e;
    if (e instanceof ContactBookError) {
      if (e.status === 404) throw new NotFoundException(e.message);
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: e.message,
        errors: e.errors,
      });
    }
    if (e instanceof OAuthError)
      throw new BadRequestException({
        statusCode: 400,
        error: e.error,
        message: e.message,
      });
    if (e instanceof Error) throw new BadRequestException(e.message);
    throw e;
  }
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new BadRequestException('A JSON object body is required');
  return body as Record<string, unknown>;
}
