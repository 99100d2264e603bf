import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { errorBody } from '@pos/service-kit';
import type { NextFunction, Request, Response } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** Keys no request may carry at any depth: operators for the database, or prototype tricks. */
const FORBIDDEN_KEY = /^\$|^(__proto__|constructor|prototype)$/;
const MAX_DEPTH = 8;

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * A request body that is not JSON: 415, before the parser (which would skip it) lets it through empty.
 * What passes here (`application/json`, `application/*+json`) is exactly what the JSON parser reads.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction) {
  if (WITH_BODY.has(req.method) && hasBody(req) && !req.is(['application/json', '+json'])) {
    return next(new UnsupportedMediaTypeException('request body must be JSON (Content-Type: application/json)'));
  }
  next();
}

function forbiddenKeys(value: unknown, path: string, depth: number, out: string[]): void {
  if (typeof value !== 'object' || value === null || out.length >= 10) return;
  if (depth > MAX_DEPTH) {
    out.push(path || 'body');
    return;
  }
  for (const key of Object.keys(value)) {
    const p = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEY.test(key)) out.push(p);
    else forbiddenKeys((value as Record<string, unknown>)[key], p, depth + 1, out);
  }
}

/**
 * After JSON parsing: the body must be a JSON object, and no key at any depth may start with `$`
 * or name a prototype. The DTOs' whitelist refuses unknown fields as well; this check also covers
 * keys class-transformer skips silently (`__proto__`, `constructor`) and holds for every route.
 */
export function checkJsonBody(req: Request, _res: Response, next: NextFunction) {
  if (!WITH_BODY.has(req.method) || req.body === undefined) return next();
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return next(
      new BadRequestException(errorBody(400, 'request body must be a JSON object', [{ field: 'body', problems: ['must be a JSON object'] }])),
    );
  }
  const bad: string[] = [];
  forbiddenKeys(body, '', 1, bad);
  if (bad.length) {
    return next(
      new BadRequestException(
        errorBody(
          400,
          bad.map((f) => `property ${f} is not allowed`).join('; '),
          bad.map((field) => ({ field, problems: [`property ${field} is not allowed`] })),
        ),
      ),
    );
  }
  next();
}
