import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..', '..');

export interface RunningService {
  name: string;
  url: string;
  process: ChildProcess;
  output(): string;
  /** SIGTERM and wait (graceful stop). */
  stop(): Promise<void>;
  /** SIGKILL: a worker dying mid-work. */
  kill(): Promise<void>;
}

/**
 * Starts a built app (`dist/apps/<name>/main.js`) as its own process, as production runs it, and
 * waits until `GET /health/ready` (or `/health/live` with `waitFor: 'live'`) answers 200.
 */
export async function startService(
  name: 'customers' | 'xero-sync' | 'xero-sandbox',
  env: Record<string, string>,
  opts: { port: number; waitFor?: 'ready' | 'live'; timeoutMs?: number },
): Promise<RunningService> {
  const main = path.join(ROOT, 'dist', 'apps', name, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run-many -t build)`);
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/health/${opts.waitFor ?? 'ready'}`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const waitExit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return { name, url, process: child, output: () => out, stop: () => waitExit('SIGTERM'), kill: () => waitExit('SIGKILL') };
}
