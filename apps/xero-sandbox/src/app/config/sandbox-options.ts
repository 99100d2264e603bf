import { Clock, ScaledClock, SystemClock } from '../core/clock';

export interface LimitConfig {
  /** Calls in flight at once per tenant (Xero: 5). */
  concurrent: number;
  /** Calls per rolling minute per tenant (Xero: 60). */
  perMinute: number;
  /** Calls per rolling day per tenant (Xero: 5,000). */
  perDay: number;
  /** Calls per rolling minute per app across all tenants (Xero: 10,000). */
  appPerMinute: number;
  /** Length of the "minute" window in ms (compress it for benchmarks). */
  minuteWindowMs: number;
  /** Length of the "day" window in ms. */
  dayWindowMs: number;
}

export interface WebhookConfig {
  /** HMAC key for `x-xero-signature`. */
  key: string;
  /** Delivery URL used for organisations without their own. */
  defaultUrl?: string;
  /** Events raised within this many ms are delivered together. */
  batchDelayMs: number;
  /** Delay before each retry of a failed delivery; its length bounds the retries. */
  retryDelaysMs: number[];
  /** A receiver must answer within this many ms (Xero: 5 s). */
  timeoutMs: number;
}

export interface OAuthClientConfig {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Allowed redirect URIs; empty means any http(s) URI is accepted. */
  redirectUris: string[];
}

export interface SandboxOptions {
  host: string;
  port: number;
  /** Base URL the sandbox is reachable at (used in webhook resourceUrls and redirects). */
  publicUrl?: string;
  stateFile?: string;
  /** Seed the "Demo Retail Ltd" organisation when starting without saved state. */
  seedDemo: boolean;
  clock: Clock;
  /** Source of randomness for injected faults (tests inject a deterministic one). */
  random: () => number;
  defaultClient: OAuthClientConfig;
  accessTokenTtlMs: number;
  refreshGraceMs: number;
  refreshTokenTtlMs: number;
  authCodeTtlMs: number;
  idempotencyTtlMs: number;
  limits: LimitConfig;
  webhook: WebhookConfig;
  /** Show an HTML consent page on /identity/connect/authorize instead of granting at once. */
  consentPage: boolean;
  /** Entries kept per tenant in the request log. */
  requestLogLimit: number;
  /** Nest log levels, or false for silence (tests). */
  logger: false | Array<'log' | 'error' | 'warn' | 'debug' | 'verbose'>;
}

export type SandboxOptionsInput = Partial<
  Omit<SandboxOptions, 'limits' | 'webhook' | 'defaultClient'>
> & {
  limits?: Partial<LimitConfig>;
  webhook?: Partial<WebhookConfig>;
  defaultClient?: Partial<OAuthClientConfig>;
};

export const DEFAULT_WEBHOOK_KEY =
  'sandbox-webhook-key-do-not-use-in-production';
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export const DEFAULT_LIMITS: LimitConfig = {
  concurrent: 5,
  perMinute: 60,
  perDay: 5000,
  appPerMinute: 10_000,
  minuteWindowMs: MINUTE,
  dayWindowMs: DAY,
};

export function resolveOptions(
  input: SandboxOptionsInput = {},
): SandboxOptions {
  return {
    host: input.host ?? '127.0.0.1',
    port: input.port ?? 3002,
    publicUrl: input.publicUrl,
    stateFile: input.stateFile || undefined,
    seedDemo: input.seedDemo ?? true,
    clock: input.clock ?? new SystemClock(),
    random: input.random ?? Math.random,
    defaultClient: {
      clientId: input.defaultClient?.clientId || 'sandbox-client',
      clientSecret: input.defaultClient?.clientSecret || 'sandbox-secret',
      name: input.defaultClient?.name || 'POS Xero Sandbox App',
      redirectUris: input.defaultClient?.redirectUris ?? [],
    },
    accessTokenTtlMs: input.accessTokenTtlMs ?? 30 * MINUTE,
    refreshGraceMs: input.refreshGraceMs ?? 30 * MINUTE,
    refreshTokenTtlMs: input.refreshTokenTtlMs ?? 60 * DAY,
    authCodeTtlMs: input.authCodeTtlMs ?? 5 * MINUTE,
    idempotencyTtlMs: input.idempotencyTtlMs ?? 6 * MINUTE,
    limits: { ...DEFAULT_LIMITS, ...input.limits },
    webhook: {
      key: input.webhook?.key || DEFAULT_WEBHOOK_KEY,
      defaultUrl: input.webhook?.defaultUrl || undefined,
      batchDelayMs: input.webhook?.batchDelayMs ?? 1000,
      retryDelaysMs: input.webhook?.retryDelaysMs ?? [
        1000, 5000, 30_000, 120_000, 600_000,
      ],
      timeoutMs: input.webhook?.timeoutMs ?? 5000,
    },
    consentPage: input.consentPage ?? false,
    requestLogLimit: input.requestLogLimit ?? 2000,
    logger: input.logger ?? ['log', 'warn', 'error'],
  };
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function bool(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return undefined;
  return ['1', 'true', 'yes', 'on'].includes(raw);
}

function list(env: Env, name: string): string[] | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

/**
 * Reads the sandbox's environment variables. The names are documented in apps/xero-sandbox/README.md;
 * XERO_SANDBOX_PORT, XERO_CLIENT_ID/SECRET and XERO_WEBHOOK_KEY are the project-wide names of DESIGN.md §7.
 */
export function optionsFromEnv(env: Env = process.env): SandboxOptionsInput {
  const timeScale = int(env, 'XERO_SANDBOX_TIME_SCALE');
  const retryDelays = list(env, 'XERO_SANDBOX_WEBHOOK_RETRY_DELAYS_MS')?.map(
    Number,
  );
  return defined({
    host: env['XERO_SANDBOX_HOST'] || undefined,
    port: int(env, 'XERO_SANDBOX_PORT'),
    publicUrl: env['XERO_SANDBOX_PUBLIC_URL'] || undefined,
    stateFile: env['XERO_SANDBOX_STATE_FILE'] || undefined,
    seedDemo: bool(env, 'XERO_SANDBOX_SEED_DEMO'),
    clock:
      timeScale && timeScale !== 1 ? new ScaledClock(timeScale) : undefined,
    defaultClient: defined({
      clientId: env['XERO_CLIENT_ID'] || undefined,
      clientSecret: env['XERO_CLIENT_SECRET'] || undefined,
      redirectUris:
        list(env, 'XERO_SANDBOX_REDIRECT_URIS') ??
        list(env, 'XERO_REDIRECT_URI'),
    }),
    accessTokenTtlMs: secToMs(int(env, 'XERO_SANDBOX_ACCESS_TOKEN_TTL_SEC')),
    refreshGraceMs: secToMs(int(env, 'XERO_SANDBOX_REFRESH_GRACE_SEC')),
    refreshTokenTtlMs: secToMs(int(env, 'XERO_SANDBOX_REFRESH_TOKEN_TTL_SEC')),
    idempotencyTtlMs: secToMs(int(env, 'XERO_SANDBOX_IDEMPOTENCY_TTL_SEC')),
    limits: defined({
      concurrent: int(env, 'XERO_SANDBOX_LIMIT_CONCURRENT'),
      perMinute: int(env, 'XERO_SANDBOX_LIMIT_PER_MINUTE'),
      perDay: int(env, 'XERO_SANDBOX_LIMIT_PER_DAY'),
      appPerMinute: int(env, 'XERO_SANDBOX_LIMIT_APP_PER_MINUTE'),
      minuteWindowMs: int(env, 'XERO_SANDBOX_MINUTE_WINDOW_MS'),
      dayWindowMs: int(env, 'XERO_SANDBOX_DAY_WINDOW_MS'),
    }),
    webhook: defined({
      key: env['XERO_WEBHOOK_KEY'] || undefined,
      defaultUrl: env['XERO_SANDBOX_WEBHOOK_URL'] || undefined,
      batchDelayMs: int(env, 'XERO_SANDBOX_WEBHOOK_BATCH_MS'),
      retryDelaysMs: retryDelays?.every((n) => Number.isFinite(n))
        ? retryDelays
        : undefined,
    }),
    consentPage: bool(env, 'XERO_SANDBOX_CONSENT_PAGE'),
    logger: loggerFor(env['LOG_LEVEL']),
  }) as SandboxOptionsInput;
}

/** The project's LOG_LEVEL (pino names, as the other apps use) as Nest log levels. */
export function loggerFor(
  level: string | undefined,
): SandboxOptions['logger'] | undefined {
  switch (level?.trim().toLowerCase()) {
    case undefined:
    case '':
      return undefined;
    case 'silent':
      return false;
    case 'fatal':
    case 'error':
      return ['error'];
    case 'warn':
      return ['warn', 'error'];
    case 'debug':
      return ['log', 'warn', 'error', 'debug'];
    case 'trace':
      return ['log', 'warn', 'error', 'debug', 'verbose'];
    default:
      return ['log', 'warn', 'error'];
  }
}

function secToMs(sec: number | undefined): number | undefined {
  return sec === undefined ? undefined : sec * 1000;
}
