import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

export interface SandboxProcess {
  url: string;
  /** Calls the sandbox's admin surface (/sandbox/...), JSON in and out. */
  admin<T = unknown>(method: string, p: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The built Xero sandbox as its own process on a free port (apps cannot import other apps):
 * `XERO_SANDBOX_PORT=0 node dist/apps/xero-sandbox/main.js` prints `XERO_SANDBOX_URL=...`.
 */
export async function startSandbox(env: Record<string, string> = {}): Promise<SandboxProcess> {
  const main = path.join(ROOT, 'dist', 'apps', 'xero-sandbox', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build it first (npx nx build xero-sandbox)`);
  const child: ChildProcess = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', XERO_SANDBOX_PORT: '0', XERO_SANDBOX_SEED_DEMO: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /XERO_SANDBOX_URL=(\S+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`the sandbox exited with ${code}:\n${out}`)));
  });
  const admin = async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${url}${p}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${p}: ${r.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, admin, stop };
}
