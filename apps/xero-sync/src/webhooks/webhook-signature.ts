import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Whether `signature` (the `x-xero-signature` header) is base64(HMAC-SHA256(raw body, webhook key)),
 * compared in constant time. A missing key or header never verifies.
 */
export function verifyXeroSignature(rawBody: Buffer, signature: string | undefined, key: string | undefined): boolean {
  if (!key || !signature) return false;
  const expected = createHmac('sha256', key).update(rawBody).digest();
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function signXeroBody(rawBody: Buffer | string, key: string): string {
  return createHmac('sha256', key).update(rawBody).digest('base64');
}
