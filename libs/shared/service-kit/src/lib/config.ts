import { DynamicModule, Global, Module } from '@nestjs/common';
import { ClassConstructor, Transform, plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Min, ValidationError, validateSync } from 'class-validator';
import { QUEUE_TYPES, QueueType } from '@pos/messaging';

/** What every service of the system reads from its environment (DESIGN §7). */
export class ServiceConfig {
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// URL' })
  MONGODB_URI!: string;

  @Matches(/^amqps?:\/\//, { message: 'AMQP_URL must be an amqp:// or amqps:// URL' })
  AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Queue names are prefixed with this, so several systems (or test suites) can share a broker. */
  @IsOptional() @Matches(/^[a-z0-9_.-]*$/, { message: 'QUEUE_PREFIX may hold only a-z, 0-9, _ . -' })
  QUEUE_PREFIX = '';

  /** When set, the broker deletes this service's queues after they are unused this long (tests only). */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'QUEUE_EXPIRES_MS must be a whole number' })
  @Min(1000)
  QUEUE_EXPIRES_MS?: number;

  /** Quorum queues (replicated; the default) or classic ones, for a broker that cannot have quorum queues. */
  @IsIn(QUEUE_TYPES, { message: 'QUEUE_TYPE must be quorum or classic' })
  QUEUE_TYPE: QueueType = 'quorum';
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
}

/**
 * Reads a service's configuration from the environment and checks it; the error names every bad
 * variable and never echoes a value (they may be secrets). Empty variables count as unset.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Record<string, string | undefined>): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, defined, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length) throw new Error(`Invalid configuration:\n${describe(errors).join('\n')}`);
  return config;
}

/** Secrets a service may run without in development and tests, never in production: the error names each missing one. */
export function requireInProduction<T extends ServiceConfig>(config: T, names: readonly (keyof T & string)[]): T {
  if (config.NODE_ENV !== 'production') return config;
  const missing = names.filter((k) => config[k] === undefined || config[k] === '');
  if (missing.length) throw new Error(`Invalid configuration:\n${missing.map((k) => `  ${k}: required in production`).join('\n')}`);
  return config;
}

/**
 * Makes a service's validated configuration injectable everywhere under `token`. The configuration
 * is read once, by `loadConfig` in main.ts (or by a test, which builds several differently
 * configured apps in one process), never from `process.env` inside the app.
 */
@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot<T extends object>(token: symbol | string, config: T): DynamicModule {
    return { module: ServiceConfigModule, providers: [{ provide: token, useValue: config }], exports: [token] };
  }
}
