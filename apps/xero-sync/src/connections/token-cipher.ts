import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM with a key derived from TOKEN_ENCRYPTION_KEY (SHA-256 of it, so any
 * long random string will do). Format `v1.<iv>.<tag>.<ciphertext>`, base64url parts; the retailer id
 * is bound as associated data, so a token copied onto another retailer's record does not decrypt.
 */
export class TokenCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    if (!secret) throw new Error('TokenCipher: TOKEN_ENCRYPTION_KEY is empty');
    this.key = createHash('sha256').update(secret).digest();
  }

  encrypt(plain: string, context: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context));
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(sealed: string, context: string): string {
    const [v, iv, tag, data] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('TokenCipher: not a sealed token');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  }
}
