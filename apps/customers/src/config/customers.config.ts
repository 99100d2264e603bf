import { ServiceConfig, loadConfig, requireInProduction } from '@pos/service-kit';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';

/** The customers service's configuration (DESIGN §7), validated at start-up. */
export class CustomersConfig extends ServiceConfig {
  /** Database name inside MONGODB_URI's server; each service has its own. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'CUSTOMERS_DB_NAME must be 1-63 letters, digits, _ or -' })
  CUSTOMERS_DB_NAME = 'pos_customers';

  @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @IsInt({ message: 'CUSTOMERS_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  CUSTOMERS_PORT = 3000;

  @IsOptional() @IsString() @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'OAUTH_STATE_SECRET must be at least 16 characters' })
  OAUTH_STATE_SECRET?: string;

  // The three below are filled in by loadCustomersConfig when unset (Xero's own, or the local sandbox).
  /** Xero's OAuth 2.0 authorize endpoint (GET /api/xero/connect redirects there). */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'XERO_AUTHORIZE_URL must be an http(s) URL' })
  XERO_AUTHORIZE_URL!: string;

  /** The Xero app's client id; unset means the local Xero sandbox. */
  @IsOptional() @IsString() @Matches(/^\S{1,200}$/, { message: 'XERO_CLIENT_ID must be 1-200 non-blank characters' })
  XERO_CLIENT_ID!: string;

  /** Where Xero sends the browser back: xero-sync's GET /xero/callback. */
  @IsOptional() @Matches(/^https?:\/\/\S+$/, { message: 'XERO_REDIRECT_URI must be an http(s) URL' })
  XERO_REDIRECT_URI!: string;

  /** How often the outbox relay looks for unpublished events when idle. */
  @Transform(({ value }) => (value === undefined || value === '' ? 500 : Number(value)))
  @IsInt({ message: 'OUTBOX_POLL_MS must be a whole number' })
  @Min(10)
  OUTBOX_POLL_MS = 500;
}

/** The local Xero sandbox (apps/xero-sandbox) and xero-sync's callback, used when no Xero app is configured. */
export const SANDBOX_XERO = {
  authorizeUrl: 'http://127.0.0.1:3002/identity/connect/authorize',
  clientId: 'sandbox-client',
  redirectUri: 'http://127.0.0.1:3001/xero/callback',
} as const;
export const XERO_LOGIN_AUTHORIZE_URL = 'https://login.xero.com/identity/connect/authorize';

/** Reads and checks the configuration; the error names every bad variable. */
export function loadCustomersConfig(env: Record<string, string | undefined>): CustomersConfig {
  const config = requireInProduction(loadConfig(CustomersConfig, env), ['OAUTH_STATE_SECRET']);
  // A configured Xero app talks to Xero itself; without one, to the local sandbox (DESIGN §7).
  const realXero = !!config.XERO_CLIENT_ID;
  config.XERO_AUTHORIZE_URL ??= realXero ? XERO_LOGIN_AUTHORIZE_URL : SANDBOX_XERO.authorizeUrl;
  config.XERO_CLIENT_ID ??= SANDBOX_XERO.clientId;
  config.XERO_REDIRECT_URI ??= SANDBOX_XERO.redirectUri;
  return config;
}
