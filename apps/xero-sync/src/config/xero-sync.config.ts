import { ServiceConfig, loadConfig, requireInProduction } from '@pos/service-kit';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The xero-sync service's configuration (DESIGN §7), validated at start-up. */
export class XeroSyncConfig extends ServiceConfig {
  /** Database name inside MONGODB_URI's server; xero-sync owns its own. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'XERO_SYNC_DB_NAME must be 1-63 letters, digits, _ or -' })
  XERO_SYNC_DB_NAME = 'pos_xero_sync';

  @Transform(({ value }) => (value === undefined || value === '' ? 3001 : Number(value)))
  @IsInt({ message: 'XERO_SYNC_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  XERO_SYNC_PORT = 3001;

  // The six below are filled in by loadXeroSyncConfig when unset (Xero's own, or the local sandbox).
  @IsOptional() @IsString() XERO_CLIENT_ID!: string;
  @IsOptional() @IsString() XERO_CLIENT_SECRET!: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_REDIRECT_URI must be an http(s) URL' }) XERO_REDIRECT_URI!: string;
  /** The host root: connections at {XERO_API_URL}/connections, Accounting at {XERO_API_URL}/api.xro/2.0. */
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_API_URL must be an http(s) URL' }) XERO_API_URL!: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_AUTHORIZE_URL must be an http(s) URL' }) XERO_AUTHORIZE_URL!: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_TOKEN_URL must be an http(s) URL' }) XERO_TOKEN_URL!: string;

  /** How long one Xero call may take before it counts as failed (xero-node has no timeout of its own). */
  @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @IsInt({ message: 'XERO_TIMEOUT_MS must be a whole number' })
  @Min(100)
  XERO_TIMEOUT_MS = 30_000;

  /** How often an idle pusher looks for work, and how often workers renew their tenant leases. */
  @Transform(({ value }) => (value === undefined || value === '' ? 500 : Number(value)))
  @IsInt({ message: 'PUSH_POLL_MS must be a whole number' })
  @Min(10)
  PUSH_POLL_MS = 500;
  /** How often each connected tenant is asked for contacts changed since the last poll (edits whose webhook was lost). */
  @Transform(({ value }) => (value === undefined || value === '' ? 900_000 : Number(value)))
  @IsInt({ message: 'XERO_POLL_INTERVAL_MS must be a whole number' })
  @Min(100)
  XERO_POLL_INTERVAL_MS = 900_000;
  /** Contacts per GET /Contacts page of an import: Xero's largest (1000); smaller only for tests. */
  @Transform(({ value }) => (value === undefined || value === '' ? 1000 : Number(value)))
  @IsInt({ message: 'XERO_IMPORT_PAGE_SIZE must be a whole number' })
  @Min(1)
  @Max(1000)
  XERO_IMPORT_PAGE_SIZE = 1000;
  /** The HMAC key of Xero's webhook signatures (the app's webhook settings in Xero). */
  @IsOptional() @IsString() XERO_WEBHOOK_KEY?: string;
  @IsOptional() @IsString() OAUTH_STATE_SECRET?: string;
  @IsOptional() @IsString() TOKEN_ENCRYPTION_KEY?: string;
}

/** The local Xero sandbox (apps/xero-sandbox), used when no Xero app is configured (DESIGN §7). */
export const SANDBOX_XERO = {
  apiUrl: 'http://127.0.0.1:3002',
  clientId: 'sandbox-client',
  clientSecret: 'sandbox-secret',
  redirectUri: 'http://127.0.0.1:3001/xero/callback',
} as const;
export const XERO = {
  apiUrl: 'https://api.xero.com',
  authorizeUrl: 'https://login.xero.com/identity/connect/authorize',
  tokenUrl: 'https://identity.xero.com/connect/token',
} as const;
/** The local sandbox's published webhook key: used outside production when XERO_WEBHOOK_KEY is unset and no Xero app is configured. */
export const SANDBOX_WEBHOOK_KEY = 'sandbox-webhook-key-do-not-use-in-production';
/** Outside production an unset TOKEN_ENCRYPTION_KEY falls back to this (production requires the variable). */
export const DEVELOPMENT_SECRET = 'pos-development-only-secret-not-for-production';

const REQUIRED_IN_PRODUCTION = ['XERO_WEBHOOK_KEY', 'OAUTH_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const;

export function loadXeroSyncConfig(env: Record<string, string | undefined>): XeroSyncConfig {
  const config = requireInProduction(loadConfig(XeroSyncConfig, env), REQUIRED_IN_PRODUCTION);
  // A configured Xero app talks to Xero itself; without one, everything points at the sandbox.
  const realXero = !!config.XERO_CLIENT_ID && !!config.XERO_CLIENT_SECRET;
  const api = config.XERO_API_URL ?? (realXero ? XERO.apiUrl : SANDBOX_XERO.apiUrl);
  config.XERO_API_URL = api.replace(/\/+$/, '');
  config.XERO_AUTHORIZE_URL ??= realXero ? XERO.authorizeUrl : `${config.XERO_API_URL}/identity/connect/authorize`;
  config.XERO_TOKEN_URL ??= realXero ? XERO.tokenUrl : `${config.XERO_API_URL}/connect/token`;
  config.XERO_CLIENT_ID ??= SANDBOX_XERO.clientId;
  config.XERO_CLIENT_SECRET ??= SANDBOX_XERO.clientSecret;
  config.XERO_REDIRECT_URI ??= SANDBOX_XERO.redirectUri;
  config.TOKEN_ENCRYPTION_KEY ??= DEVELOPMENT_SECRET;
  if (!realXero) config.XERO_WEBHOOK_KEY ??= SANDBOX_WEBHOOK_KEY;
  return config;
}
