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

  @IsOptional() @IsString() XERO_CLIENT_ID?: string;
  @IsOptional() @IsString() XERO_CLIENT_SECRET?: string;
  @IsOptional() @IsString() XERO_REDIRECT_URI?: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_API_URL must be an http(s) URL' }) XERO_API_URL?: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_AUTHORIZE_URL must be an http(s) URL' }) XERO_AUTHORIZE_URL?: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_TOKEN_URL must be an http(s) URL' }) XERO_TOKEN_URL?: string;
  @IsOptional() @IsString() XERO_WEBHOOK_KEY?: string;
  @IsOptional() @IsString() OAUTH_STATE_SECRET?: string;
  @IsOptional() @IsString() TOKEN_ENCRYPTION_KEY?: string;
}

const REQUIRED_IN_PRODUCTION = ['XERO_WEBHOOK_KEY', 'OAUTH_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const;

export function loadXeroSyncConfig(env: Record<string, string | undefined>): XeroSyncConfig {
  return requireInProduction(loadConfig(XeroSyncConfig, env), REQUIRED_IN_PRODUCTION);
}
