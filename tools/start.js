#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: the whole system on the embedded defaults, in one terminal.
 *
 *   database  MONGODB_URI, else the embedded FerretDB (data kept in data/ferretdb, or in the PostgreSQL
 *             database FERRETDB_POSTGRESQL_URL names)
 *   broker    AMQP_URL, else the local RabbitMQ, else a private rabbitmq-server node
 *   apps      customers (CUSTOMERS_PORT, 3000), xero-sync (XERO_SYNC_PORT, 3001),
 *             xero-sandbox (XERO_SANDBOX_PORT, 3002) unless real Xero credentials are set,
 *             the back office page (BACKOFFICE_PORT, 3003; it forwards /api to customers)
 *   secrets   ADMIN_TOKEN, OAUTH_STATE_SECRET, TOKEN_ENCRYPTION_KEY, XERO_WEBHOOK_KEY: taken from the
 *             environment, else generated once and kept in data/secrets.json
 *
 * It builds the apps (Nx caches the result), starts everything, creates a demo retailer on first
 * run and prints its API key, and on Ctrl-C or SIGTERM stops all it started.
 */
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const infra = require('./infra');

const ROOT = infra.ROOT;
const DATA = path.resolve(process.env.POS_DATA_DIR ?? path.join(ROOT, 'data'));
const env = { ...process.env };
/** @type {Array<() => Promise<unknown>>} */
const stops = [];
let stopping = false;

const log = (/** @type {string} */ m) => console.log(`[start] ${m}`);

function secrets() {
  const file = path.join(DATA, 'secrets.json');
  const saved = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const make = () => crypto.randomBytes(32).toString('base64url');
  for (const name of ['ADMIN_TOKEN', 'OAUTH_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY', 'XERO_WEBHOOK_KEY']) {
    if (!saved[name]) saved[name] = make();
    if (!env[name]) env[name] = saved[name];
  }
  fs.writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
}

/**
 * @param {string} name
 * @param {number} port
 * @param {string} probe
 * @param {Record<string, string>} [extraEnv]
 * @param {string} [main] the script to run (default: the app's build in dist/apps/<name>/main.js)
 */
async function startApp(name, port, probe, extraEnv = {}, main = path.join(ROOT, 'dist', 'apps', name, 'main.js')) {
  const child = spawn(process.execPath, [main], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) process.stdout.write(prefix + line + '\n');
    });
  }
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  stops.push(
    () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve(undefined);
        });
        child.kill('SIGTERM');
      }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url + probe)).status === 200) return url;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer ${probe} within 60 s`);
}

async function demoRetailer(customersUrl) {
  const file = path.join(DATA, 'demo-retailer.json');
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    const r = await fetch(`${customersUrl}/api/customers?pageSize=1`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
    if (r.status === 200) return saved;
  }
  const r = await fetch(`${customersUrl}/api/retailers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Demo Retail Ltd' }),
  });
  if (r.status !== 201) throw new Error(`could not create the demo retailer: ${r.status} ${await r.text()}`);
  const retailer = await r.json();
  fs.writeFileSync(file, JSON.stringify(retailer, null, 2), { mode: 0o600 });
  return retailer;
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  process.exit(code);
}

async function main() {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  fs.mkdirSync(DATA, { recursive: true });
  secrets();

  log('building the apps (cached after the first time)...');
  try {
    execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'run-many', '-t', 'build', '--projects=customers,xero-sync,xero-sandbox,backoffice'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = /** @type {{stdout?: string, stderr?: string}} */ (err);
    process.stderr.write(`${e.stdout ?? ''}${e.stderr ?? ''}`);
    throw new Error('the build failed (output above)');
  }

  if (!env.MONGODB_URI) {
    // SQLite files under data/ unless FERRETDB_POSTGRESQL_URL names a PostgreSQL database to store in.
    const postgresqlUrl = env.FERRETDB_POSTGRESQL_URL || undefined;
    const db = await infra.startEmbeddedMongo({ dir: path.join(DATA, 'ferretdb'), port: Number(env.FERRETDB_PORT ?? 27017), postgresqlUrl, log });
    stops.push(db.stop);
    env.MONGODB_URI = db.uri;
    const where = postgresqlUrl ? `PostgreSQL ${infra.redactUrl(postgresqlUrl)}` : path.relative(ROOT, path.join(DATA, 'ferretdb'));
    log(`database: embedded FerretDB at ${db.uri} (data in ${where})`);
  } else log(`database: ${infra.redactUrl(env.MONGODB_URI)}`);

  const broker = await infra.resolveBroker({ dir: path.join(DATA, 'rabbitmq'), log, env });
  stops.push(broker.stop);
  env.AMQP_URL = broker.url;
  log(`broker: ${broker.source} at ${infra.redactUrl(broker.url)}`);

  const ports = {
    customers: Number(env.CUSTOMERS_PORT ?? 3000),
    sync: Number(env.XERO_SYNC_PORT ?? 3001),
    sandbox: Number(env.XERO_SANDBOX_PORT ?? 3002),
    backoffice: Number(env.BACKOFFICE_PORT ?? 3003),
  };
  Object.assign(env, {
    CUSTOMERS_PORT: String(ports.customers),
    XERO_SYNC_PORT: String(ports.sync),
    XERO_SANDBOX_PORT: String(ports.sandbox),
    BACKOFFICE_PORT: String(ports.backoffice),
  });
  const useSandbox = !env.XERO_CLIENT_ID || !env.XERO_CLIENT_SECRET;
  let sandboxUrl;
  if (useSandbox) {
    env.XERO_SANDBOX_STATE_FILE ??= path.join(DATA, 'xero-sandbox.json');
    env.XERO_SANDBOX_WEBHOOK_URL ??= `http://127.0.0.1:${ports.sync}/xero/webhooks`;
    // The sandbox stands in for Xero: quiet unless asked (XERO_SANDBOX_LOG_LEVEL=info).
    sandboxUrl = await startApp('xero-sandbox', ports.sandbox, '/health/live', { LOG_LEVEL: env.XERO_SANDBOX_LOG_LEVEL ?? 'warn' });
    env.XERO_API_URL ??= sandboxUrl;
    env.XERO_AUTHORIZE_URL ??= `${sandboxUrl}/identity/connect/authorize`;
    env.XERO_TOKEN_URL ??= `${sandboxUrl}/connect/token`;
    env.XERO_CLIENT_ID ??= 'sandbox-client';
    env.XERO_CLIENT_SECRET ??= 'sandbox-secret';
  }
  env.XERO_REDIRECT_URI ??= `http://127.0.0.1:${ports.sync}/xero/callback`;

  const [customersUrl, syncUrl] = await Promise.all([
    startApp('customers', ports.customers, '/health/ready'),
    startApp('xero-sync', ports.sync, '/health/ready'),
  ]);
  const retailer = await demoRetailer(customersUrl);
  // The page and the API share one origin: the back office's server forwards /api to customers.
  const backofficeUrl = await startApp('backoffice', ports.backoffice, '/health/live', { CUSTOMERS_URL: customersUrl }, path.join(ROOT, 'apps', 'backoffice', 'server', 'main.js'));

  console.log(`
  POS customers is running (Ctrl-C stops everything)

    customers API   ${customersUrl}/api        docs ${customersUrl}/docs
    xero-sync       ${syncUrl}                 docs ${syncUrl}/docs
    back office     ${backofficeUrl}
    Xero            ${useSandbox ? `${sandboxUrl} (local sandbox, demo organisation seeded)` : 'api.xero.com'}

    admin token     ${env.ADMIN_TOKEN}
    demo retailer   ${retailer.name} (${retailer.id})
    its API key     ${retailer.apiKey}
    sign it in      ${backofficeUrl}/#key=${encodeURIComponent(retailer.apiKey)}

    try:  curl -H 'Authorization: Bearer ${retailer.apiKey}' ${customersUrl}/api/customers
`);
}

main().catch((err) => {
  console.error(`[start] ${err.message}`);
  void shutdown(1);
});
