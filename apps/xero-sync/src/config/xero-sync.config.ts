import { loadConfig } from '@pos/service-kit';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** The xero-sync service's configuration (DESIGN §7), validated at start-up. */
export class XeroSyncConfig {
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URL' })
  MONGODB_URI!: string;

  /** Database name inside MONGODB_URI's server; xero-sync owns its own. */
  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'XERO_SYNC_DB_NAME must be 1-63 letters, digits, _ or -' })
  XERO_SYNC_DB_NAME = 'pos_xero_sync';

  @Matches(/^amqps?:\/\//, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @Transform(({ value }) => (value === undefined || value === '' ? 3001 : Number(value)))
  @IsInt({ message: 'XERO_SYNC_PORT must be a whole number' })
  @Min(0)
  @Max(65535)
  XERO_SYNC_PORT = 3001;

  @IsOptional() @IsString() XERO_CLIENT_ID?: string;
  @IsOptional() @IsString() XERO_CLIENT_SECRET?: string;
  @IsOptional() @IsString() XERO_REDIRECT_URI?: string;
  @IsOptional() @Matches(/^https?:\/\//, { message: 'XERO_API_URL must be an http(s) URL' }) XERO_API_URL?: string;
  @IsOptional() @IsString() XERO_WEBHOOK_KEY?: string;
  @IsOptional() @IsString() OAUTH_STATE_SECRET?: string;
  @IsOptional() @IsString() TOKEN_ENCRYPTION_KEY?: string;

  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsOptional() @Matches(/^[a-z0-9_.-]*$/, { message: 'QUEUE_PREFIX may hold only a-z, 0-9, _ . -' })
  QUEUE_PREFIX = '';

  /** When set, the broker deletes this service's queues after they are unused this long (tests only). */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'QUEUE_EXPIRES_MS must be a whole number' })
  @Min(1000)
  QUEUE_EXPIRES_MS?: number;
}

const REQUIRED_IN_PRODUCTION = ['XERO_WEBHOOK_KEY', 'OAUTH_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY'] as const;

export function loadXeroSyncConfig(env: Record<string, string | undefined>): XeroSyncConfig {
  const config = loadConfig(XeroSyncConfig, env);
  if (config.NODE_ENV === 'production') {
    const missing = REQUIRED_IN_PRODUCTION.filter((k) => !config[k]);
    if (missing.length) throw new Error(`Invalid configuration:\n${missing.map((k) => `  ${k}: required in production`).join('\n')}`);
  }
  return config;
}
