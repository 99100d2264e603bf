import { randomBytes } from 'node:crypto';

/** Where this run's infrastructure lives; resolved by the jest global setup (see global-setup.js). */
export interface TestInfra {
  mongoUri: string;
  amqpUrl: string;
  source: string;
}

export function testInfra(): TestInfra {
  const mongoUri = process.env['POS_TEST_MONGODB_URI'];
  const amqpUrl = process.env['POS_TEST_AMQP_URL'];
  if (!mongoUri || !amqpUrl) {
    throw new Error(
      'No test infrastructure: the jest global setup (libs/shared/testing/src/global-setup.js) did not run. ' +
        'Run the tests through the project jest configs (npm test).',
    );
  }
  return { mongoUri, amqpUrl, source: process.env['POS_TEST_INFRA'] ?? 'unknown' };
}

/** A name no other suite or run uses: for databases, queues, retailers. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** The MongoDB URI of this run's server with the database path set to `dbName`. */
export function mongoUriFor(dbName: string, baseUri = testInfra().mongoUri): string {
  const u = new URL(baseUri);
  u.pathname = `/${dbName}`;
  return u.toString();
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false | null> | T | undefined | false | null,
  { timeoutMs = 15_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false && v !== null) return v as T;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A TCP port that is free now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
