import { ScaledClock } from '../core/clock';
import {
  DEFAULT_WEBHOOK_KEY,
  optionsFromEnv,
  resolveOptions,
} from './sandbox-options';

describe('sandbox options', () => {
  it("defaults to Xero's numbers, port 3002 on 127.0.0.1, the dev client and the dev webhook key", () => {
    const o = resolveOptions();
    expect([o.host, o.port]).toEqual(['127.0.0.1', 3002]);
    expect(o.defaultClient).toMatchObject({
      clientId: 'sandbox-client',
      clientSecret: 'sandbox-secret',
    });
    expect(o.limits).toEqual({
      concurrent: 5,
      perMinute: 60,
      perDay: 5000,
      appPerMinute: 10000,
      minuteWindowMs: 60000,
      dayWindowMs: 86400000,
    });
    expect([o.accessTokenTtlMs, o.refreshGraceMs, o.idempotencyTtlMs]).toEqual([
      1800000, 1800000, 360000,
    ]);
    expect(o.webhook.key).toBe(DEFAULT_WEBHOOK_KEY);
    expect(o.seedDemo).toBe(true);
  });

  it("reads the environment (DESIGN.md §7 names plus the sandbox's own)", () => {
    const o = resolveOptions(
      optionsFromEnv({
        XERO_SANDBOX_PORT: '4002',
        XERO_SANDBOX_HOST: '0.0.0.0',
        XERO_CLIENT_ID: 'real-id',
        XERO_CLIENT_SECRET: 'real-secret',
        XERO_REDIRECT_URI: 'http://localhost:3001/xero/callback',
        XERO_WEBHOOK_KEY: 'k',
        XERO_SANDBOX_WEBHOOK_URL: 'http://localhost:3001/xero/webhooks',
        XERO_SANDBOX_STATE_FILE: '/tmp/x.json',
        XERO_SANDBOX_LIMIT_PER_MINUTE: '600',
        XERO_SANDBOX_MINUTE_WINDOW_MS: '6000',
        XERO_SANDBOX_ACCESS_TOKEN_TTL_SEC: '60',
        XERO_SANDBOX_TIME_SCALE: '10',
        XERO_SANDBOX_SEED_DEMO: 'false',
      }),
    );
    expect([o.port, o.host, o.stateFile, o.seedDemo]).toEqual([
      4002,
      '0.0.0.0',
      '/tmp/x.json',
      false,
    ]);
    expect(o.defaultClient).toMatchObject({
      clientId: 'real-id',
      clientSecret: 'real-secret',
      redirectUris: ['http://localhost:3001/xero/callback'],
    });
    expect(o.webhook).toMatchObject({
      key: 'k',
      defaultUrl: 'http://localhost:3001/xero/webhooks',
    });
    expect(o.limits).toMatchObject({
      perMinute: 600,
      minuteWindowMs: 6000,
      concurrent: 5,
    });
    expect(o.accessTokenTtlMs).toBe(60000);
    expect(o.clock).toBeInstanceOf(ScaledClock);
  });

  it("maps the project's LOG_LEVEL onto Nest log levels", () => {
    expect(optionsFromEnv({ LOG_LEVEL: 'silent' }).logger).toBe(false);
    expect(optionsFromEnv({ LOG_LEVEL: 'warn' }).logger).toEqual([
      'warn',
      'error',
    ]);
    expect(optionsFromEnv({}).logger).toBeUndefined();
  });

  it('refuses nonsense numbers', () => {
    expect(() => optionsFromEnv({ XERO_SANDBOX_PORT: 'abc' })).toThrow(
      /XERO_SANDBOX_PORT/,
    );
  });
});
