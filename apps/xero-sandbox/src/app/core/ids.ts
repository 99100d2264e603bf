import { randomBytes, randomUUID } from 'node:crypto';

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const UUID_RE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function newId(): string {
  return randomUUID();
}

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function randomString(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** An organisation ShortCode as Xero shows it, e.g. `!mBdtL`. */
export function newShortCode(): string {
  return `!${randomString(5)}`;
}

/** Webhook payload entropy, e.g. `FXNGWLCCGVANWHKILRUB`. */
export function newEntropy(): string {
  return randomString(20, UPPER);
}

export function newOpaqueToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
