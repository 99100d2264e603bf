import { createHmac, timingSafeEqual } from 'node:crypto';

/** `x-xero-signature`: base64(HMAC-SHA256(raw body, webhook key)). */
export function signWebhookBody(rawBody: string | Buffer, key: string): string {
  return createHmac('sha256', key).update(rawBody).digest('base64');
}

export function verifyWebhookSignature(
  rawBody: string | Buffer,
  signature: string | undefined,
  key: string,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, key));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
