import { TokenCipher } from './token-cipher';

describe('TokenCipher', () => {
  const cipher = new TokenCipher('a-long-random-secret');

  it('seals a token so that only the same key and retailer open it', () => {
    const sealed = cipher.encrypt('eyJ.secret.token', 'retailer-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('secret');
    expect(cipher.decrypt(sealed, 'retailer-1')).toBe('eyJ.secret.token');
    expect(() => cipher.decrypt(sealed, 'retailer-2')).toThrow();
    expect(() => new TokenCipher('another-secret').decrypt(sealed, 'retailer-1')).toThrow();
  });

  it('never seals the same token twice the same way (random IV)', () => {
    expect(cipher.encrypt('t', 'r')).not.toBe(cipher.encrypt('t', 'r'));
  });

  it('refuses a tampered ciphertext', () => {
    const [v, iv, tag, data] = cipher.encrypt('token', 'r').split('.');
    const flipped = Buffer.from(data, 'base64url');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'), 'r')).toThrow();
  });
});
