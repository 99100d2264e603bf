import { freePort, testInfra, uniqueName } from '@pos/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function run(cmd: string[], env: Record<string, string>, opts: { until?: RegExp; timeoutMs?: number } = {}) {
  const child = spawn(process.execPath, cmd, { cwd: ROOT, env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const matched = new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out; output so far:\n${out}`)), opts.timeoutMs ?? 60_000);
    const check = () => {
      if (opts.until?.test(out)) {
        clearTimeout(t);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    void exited.then(() => {
      clearTimeout(t);
      if (opts.until && !opts.until.test(out)) reject(new Error(`exited before ${opts.until}:\n${out}`));
      else resolve();
    });
  });
  return { child, exited, matched, output: () => out };
}

describe('start-up', () => {
  const infra = testInfra();

  it.each([
    ['customers', { MONGODB_URI: 'http://not-mongo', CUSTOMERS_PORT: 'abc', ADMIN_TOKEN: 'short' }, ['MONGODB_URI', 'CUSTOMERS_PORT', 'ADMIN_TOKEN']],
    ['xero-sync', { MONGODB_URI: 'mongodb://127.0.0.1:1', AMQP_URL: 'http://x', XERO_SYNC_PORT: '70000' }, ['AMQP_URL', 'XERO_SYNC_PORT']],
    ['xero-sync', { MONGODB_URI: 'mongodb://127.0.0.1:1', NODE_ENV: 'production' }, ['XERO_WEBHOOK_KEY', 'OAUTH_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY']],
  ])('%s refuses to start on bad configuration and names each bad variable', async (app, env, names) => {
    const p = run([path.join(ROOT, 'dist', 'apps', app, 'main.js')], env as Record<string, string>);
    expect(await p.exited).toBe(1);
    for (const name of names) expect(p.output()).toContain(name);
    expect(p.output()).not.toContain('not-mongo'); // values are not echoed: they may be secrets
  });

  describe('npm start (tools/start.js)', () => {
    const data = mkdtempSync(path.join(tmpdir(), 'pos-start-'));
    let start: ReturnType<typeof run>;
    let ports: { customers: number; sync: number; sandbox: number; db: number; backoffice: number };

    beforeAll(async () => {
      ports = { customers: await freePort(), sync: await freePort(), sandbox: await freePort(), db: await freePort(), backoffice: await freePort() };
      start = run(
        [path.join(ROOT, 'tools', 'start.js')],
        {
          POS_DATA_DIR: data,
          FERRETDB_PORT: String(ports.db),
          CUSTOMERS_PORT: String(ports.customers),
          XERO_SYNC_PORT: String(ports.sync),
          XERO_SANDBOX_PORT: String(ports.sandbox),
          BACKOFFICE_PORT: String(ports.backoffice),
          AMQP_URL: infra.amqpUrl,
          QUEUE_PREFIX: `${uniqueName('start')}.`,
          QUEUE_EXPIRES_MS: '60000',
          LOG_LEVEL: 'warn',
        },
        { until: /its API key\s+(pos_\S+)/, timeoutMs: 120_000 },
      );
      await start.matched;
    }, 150_000);

    afterAll(() => {
      if (start?.child.exitCode === null) start.child.kill('SIGKILL');
      rmSync(data, { recursive: true, force: true });
    });

    it('brings up every service on the embedded database and prints a demo API key', async () => {
      for (const port of [ports.customers, ports.sync]) {
        expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200);
      }
      expect((await fetch(`http://127.0.0.1:${ports.sandbox}/health/live`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${ports.backoffice}/health/live`)).status).toBe(200);
      const apiKey = /its API key\s+(pos_\S+)/.exec(start.output())![1];
      const r = await fetch(`http://127.0.0.1:${ports.customers}/api/customers`, { headers: { authorization: `Bearer ${apiKey}` } });
      expect(r.status).toBe(200);
    });

    it('stops everything it started on SIGTERM', async () => {
      start.child.kill('SIGTERM');
      expect(await start.exited).toBe(0);
      for (const port of [ports.customers, ports.sync, ports.sandbox, ports.db, ports.backoffice]) {
        await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
      }
    });
  });
});

