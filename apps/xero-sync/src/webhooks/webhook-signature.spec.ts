import { signXeroBody, verifyXeroSignature } from './webhook-signature';

describe('verifyXeroSignature', () => {
  const body = Buffer.from('{"events":[],"firstEventSequence":0,"lastEventSequence":0,"entropy":"ABC"}');

  it('accepts base64(HMAC-SHA256(raw body, key))', () => {
    expect(verifyXeroSignature(body, signXeroBody(body, 'k'), 'k')).toBe(true);
  });

  it('refuses another key, another body, a missing header or key, and a signature of another length', () => {
    expect(verifyXeroSignature(body, signXeroBody(body, 'other'), 'k')).toBe(false);
    expect(verifyXeroSignature(Buffer.from(body.toString() + ' '), signXeroBody(body, 'k'), 'k')).toBe(false);
    expect(verifyXeroSignature(body, undefined, 'k')).toBe(false);
    expect(verifyXeroSignature(body, signXeroBody(body, 'k'), undefined)).toBe(false);
    expect(verifyXeroSignature(body, 'AAAA', 'k')).toBe(false);
  });
});
