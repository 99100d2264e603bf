import { IsOptional, IsString, Matches } from 'class-validator';
import { ServiceConfig, loadConfig, requireInProduction } from './config';

class ExampleConfig extends ServiceConfig {
  @Matches(/^\d+$/, { message: 'EXAMPLE_PORT must be a number' })
  EXAMPLE_PORT = '3000';

  @IsOptional() @IsString() EXAMPLE_SECRET?: string;
  @IsOptional() @IsString() OTHER_SECRET?: string;
}

describe('loadConfig', () => {
  const base = { MONGODB_URI: 'mongodb://db:27017' };

  it('fills in the defaults and keeps what is set', () => {
    const c = loadConfig(ExampleConfig, { ...base, LOG_LEVEL: 'debug', QUEUE_EXPIRES_MS: '60000' });
    expect(c).toMatchObject({ MONGODB_URI: 'mongodb://db:27017', AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', LOG_LEVEL: 'debug', QUEUE_EXPIRES_MS: 60000, EXAMPLE_PORT: '3000' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig(ExampleConfig, { ...base, LOG_LEVEL: '' }).LOG_LEVEL).toBe('info');
  });

  it('names every bad variable and never echoes a value', () => {
    const run = () => loadConfig(ExampleConfig, { MONGODB_URI: 'postgres://secret-password@db', AMQP_URL: 'http://x', EXAMPLE_PORT: 'abc' });
    expect(run).toThrow(/MONGODB_URI: .*mongodb:\/\//);
    expect(run).toThrow(/AMQP_URL/);
    expect(run).toThrow(/EXAMPLE_PORT must be a number/);
    expect(run).not.toThrow(/secret-password/);
  });
});

describe('requireInProduction', () => {
  const load = (env: Record<string, string>) => loadConfig(ExampleConfig, { MONGODB_URI: 'mongodb://db', ...env });

  it('lets a secret be unset outside production', () => {
    expect(() => requireInProduction(load({ NODE_ENV: 'test' }), ['EXAMPLE_SECRET'])).not.toThrow();
  });

  it('names every missing secret in production', () => {
    const run = () => requireInProduction(load({ NODE_ENV: 'production', OTHER_SECRET: 'set' }), ['EXAMPLE_SECRET', 'OTHER_SECRET']);
    expect(run).toThrow('Invalid configuration:\n  EXAMPLE_SECRET: required in production');
    expect(requireInProduction(load({ NODE_ENV: 'production', EXAMPLE_SECRET: 's' }), ['EXAMPLE_SECRET']).EXAMPLE_SECRET).toBe('s');
  });
});
