#!/usr/bin/env node
// @ts-check
/**
 * Benchmarks of the sync engine (issue 9): the built xero-sync workers (and, for the pipeline, the
 * customers service) against the built Xero sandbox, an embedded FerretDB over the local PostgreSQL
 * and the local RabbitMQ, each scenario printing a table ready for the README.
 *
 *   NX_DAEMON=false npx nx run-many -t build      # the apps run from dist/, as in production
 *   node tools/bench/sync-bench.js drain           # one tenant at Xero's limits: contacts per Xero-minute
 *   node tools/bench/sync-bench.js pipeline        # limits off: HTTP edit -> Xero write, next to raw amqplib
 *   node tools/bench/sync-bench.js workers         # 1, 2 and 4 workers: throughput, per-tenant limits held
 *   node tools/bench/sync-bench.js many            # 200 tenants under a low app limit: never exceeded, no starving
 *
 * Options: --timeout-min N (whole run, default 12), --sqlite (FerretDB over SQLite, not the local PostgreSQL), drain: --customers 3500; pipeline: --events 600
 * --retailers 4 --raw 5000; workers: --tenants 4 --per-tenant 600; many: --tenants 200 --app-limit 600
 * --seconds 90 --rate 40 (edits per second over all tenants).
 *
 * Nothing to install and no npm script. MONGODB_URI / AMQP_URL name other servers; unset, a fresh
 * PostgreSQL database (dropped at the end) under an embedded FerretDB and the local broker (queues
 * under a unique QUEUE_PREFIX, deleted at the end) are used. The real clock throughout: xero-sync
 * budgets Xero's minute as 60 s, so the sandbox keeps Xero's own windows (XERO_SANDBOX_TIME_SCALE=1).
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const mongoose = require('mongoose');
const amqp = require('amqplib');
const infra = require('../infra');

const args = process.argv.slice(2);
const SCENARIO = args.find((a) => !a.startsWith('--')) ?? 'drain';
const opt = (/** @type {string} */ name, /** @type {number} */ dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const log = (/** @type {string} */ m) => process.stderr.write(`[sync-bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
const EXCHANGE = 'pos.events';
const STATE_SECRET = `bench-state-${randomUUID()}`;
const SCOPES = 'openid profile email offline_access accounting.contacts accounting.settings.read';
const NO_LIMITS = { concurrent: 1000, perMinute: 1_000_000, perDay: 100_000_000, appPerMinute: 100_000_000 };

// ---- processes ----------------------------------------------------------------------------------

/** @type {Array<() => Promise<unknown>>} */
const cleanups = [];
async function cleanup() {
  for (const c of cleanups.splice(0).reverse()) await c().catch((/** @type {Error} */ err) => log(`cleanup: ${err.message}`));
}

/**
 * Spawns a built app and waits for its readiness URL (or, for the sandbox, the line with its URL).
 * @param {string} app
 * @param {Record<string, string>} env
 * @param {{port?: number, urlLine?: RegExp}} how
 */
async function startApp(app, env, how) {
  const main = path.join(infra.ROOT, 'dist', 'apps', app, 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`NX_DAEMON=false npx nx run-many -t build\` first`);
  const child = spawn(process.execPath, [main], { cwd: infra.ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let shown = 0;
  const keep = (/** @type {Buffer} */ d) => {
    out = (out + d.toString()).slice(-8000);
    for (const line of d.toString().split('\n')) if ((/"level":[456]0/.test(line) || (process.env.BENCH_LOG_LEVEL && !line.includes('CustomerChangedController') && !line.includes('"req"'))) && line.trim() && shown++ < 60) log(`${app}: ${line.slice(0, 800)}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const deadline = Date.now() + 60_000;
  let url = how.port ? `http://127.0.0.1:${how.port}` : '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}:\n${out}`);
    if (how.urlLine) {
      const m = how.urlLine.exec(out);
      if (m) url = m[1];
    }
    if (url && (await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not become ready:\n${out}`);
    }
    await sleep(200);
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => (clearTimeout(t), resolve(undefined)));
      child.kill('SIGTERM');
    });
  const proc = { url, pid: /** @type {number} */ (child.pid), stop };
  cleanups.push(stop);
  return proc;
}

/** Resident memory (MiB) and TCP connections of a process, from /proc and ss. */
function cost(/** @type {number} */ pid, /** @type {{mongoPort: number, amqpPort: number}} */ ports) {
  let rss = NaN;
  try {
    rss = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    /* gone */
  }
  let mongo = NaN;
  let broker = NaN;
  try {
    const lines = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' }).split('\n').filter((l) => l.includes(`pid=${pid},`));
    const to = (/** @type {number} */ port) => lines.filter((l) => l.split(/\s+/)[3]?.endsWith(`:${port}`)).length;
    mongo = to(ports.mongoPort);
    broker = to(ports.amqpPort);
  } catch {
    /* ss missing */
  }
  return { rss, mongo, broker };
}

function loadAverage() {
  return os.loadavg().map((l) => l.toFixed(1)).join(' ');
}

function machine() {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = execFileSync('sh', ['-c', "lscpu | grep 'Model name' | sed 's/Model name: *//'"], { encoding: 'utf8' }).trim() || model;
  } catch {
    /* lscpu missing */
  }
  let nproc = String(os.cpus().length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* keep os.cpus() */
  }
  return `${nproc} CPU (${model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

/** Samples the 1-minute load average every 5 s while a scenario runs. */
function loadSampler() {
  /** @type {number[]} */
  const samples = [os.loadavg()[0]];
  const t = setInterval(() => samples.push(os.loadavg()[0]), 5000);
  return () => {
    clearInterval(t);
    return `${Math.min(...samples).toFixed(1)}–${Math.max(...samples).toFixed(1)}`;
  };
}

// ---- infrastructure -----------------------------------------------------------------------------

async function startInfra(/** @type {string} */ stamp) {
  let mongoUri = process.env.MONGODB_URI;
  let db = 'MONGODB_URI';
  if (!mongoUri) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-sync-bench-ferretdb-'));
    const pg = args.includes('--sqlite') ? null : await infra.createLocalPostgresDatabase(`pos_sync_bench_${stamp}`, log);
    if (pg) cleanups.push(pg.drop);
    const ferret = await infra.startEmbeddedMongo({ dir, postgresqlUrl: pg?.url, log });
    cleanups.push(async () => {
      await ferret.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    mongoUri = ferret.uri;
    db = `embedded FerretDB over ${pg ? 'the local PostgreSQL' : 'SQLite (PostgreSQL did not answer)'}`;
  }
  const rabbitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-sync-bench-rabbit-'));
  cleanups.push(async () => fs.rmSync(rabbitDir, { recursive: true, force: true }));
  const broker = await infra.resolveBroker({ dir: rabbitDir, log });
  cleanups.push(broker.stop);
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  cleanups.push(() => conn.close());
  const queuePrefix = `syncbench_${stamp}.`;
  const amqpConn = await amqp.connect(broker.url);
  amqpConn.on('error', (/** @type {Error} */ err) => log(`broker connection: ${err.message}`)); // logged, not a crash that skips the cleanup
  cleanups.push(async () => {
    // the services' queues of this run (their names all start with the prefix)
    const ch = await amqpConn.createChannel();
    for (const q of ['xero-sync.customer-changed', 'xero-sync.import-requested', 'customers.xero-status', 'customers.import', 'customers.xero-import'])
      for (const suffix of ['', '.retry', '.dlq']) await ch.deleteQueue(`${queuePrefix}${q}${suffix}`).catch(() => undefined);
    await amqpConn.close().catch(() => undefined);
  });
  const publisher = await amqpConn.createConfirmChannel();
  const mongoPort = Number(new URL(mongoUri.replace(/^mongodb(\+srv)?:/, 'http:')).port || 27017);
  const amqpPort = Number(new URL(broker.url.replace(/^amqps?:/, 'http:')).port || 5672);
  return { mongoUri, db, broker, conn, queuePrefix, amqpConn, publisher, ports: { mongoPort, amqpPort } };
}

/** @typedef {Awaited<ReturnType<typeof startInfra>>} Infra */

async function startSandbox(/** @type {Record<string, string>} */ env = {}) {
  const sb = await startApp('xero-sandbox', { XERO_SANDBOX_PORT: '0', XERO_SANDBOX_SEED_DEMO: 'false', XERO_SANDBOX_TIME_SCALE: '1', ...env }, { urlLine: /XERO_SANDBOX_URL=(\S+)/ });
  /** @returns {Promise<any>} */
  const admin = async (/** @type {string} */ method, /** @type {string} */ p, /** @type {unknown} */ body) => {
    const r = await fetch(`${sb.url}${p}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (r.status >= 400) throw new Error(`${method} ${p}: ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
  return { ...sb, admin };
}

/** @param {Infra} inf @param {string} dbName @param {number} port @param {number} callbackPort */
function startWorker(inf, dbName, port, callbackPort, /** @type {string} */ sandboxUrl) {
  return startApp(
    'xero-sync',
    {
      MONGODB_URI: inf.mongoUri,
      AMQP_URL: inf.broker.url,
      XERO_SYNC_DB_NAME: dbName,
      XERO_SYNC_PORT: String(port),
      XERO_SYNC_HOST: '127.0.0.1',
      QUEUE_PREFIX: inf.queuePrefix,
      XERO_API_URL: sandboxUrl,
      XERO_REDIRECT_URI: `http://127.0.0.1:${callbackPort}/xero/callback`,
      OAUTH_STATE_SECRET: STATE_SECRET,
      TOKEN_ENCRYPTION_KEY: `bench-token-key-${STATE_SECRET}`,
    },
    { port },
  ).then(async (w) => {
    // the worker declares and binds its queue after it answers ready: publish only once it consumes
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ch = await inf.amqpConn.createChannel();
      ch.on('error', () => undefined); // a missing queue closes the channel
      const q = await ch.checkQueue(`${inf.queuePrefix}xero-sync.customer-changed`).catch(() => undefined);
      if (q) await ch.close().catch(() => undefined);
      if (q && q.consumerCount > 0) break;
      if (Date.now() > deadline) throw new Error('the xero-sync worker never consumed its queue');
      await sleep(200);
    }
    return w;
  });
}

/** The OAuth state as the customers service signs it (libs/sync/contracts oauth-state.ts). */
function signState(/** @type {string} */ retailerId) {
  const body = { r: retailerId, n: randomBytes(12).toString('base64url'), e: Math.floor(Date.now() / 1000) + 600 };
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${payload}.${createHmac('sha256', STATE_SECRET).update(payload).digest('base64url')}`;
}

/** What a browser does when a retailer connects: the sandbox's authorize (consents at once), then xero-sync's callback. */
async function connect(/** @type {string} */ sandboxUrl, /** @type {string} */ syncUrl, /** @type {string} */ retailerId, /** @type {string} */ tenantId) {
  const authorize = new URL(`${sandboxUrl}/identity/connect/authorize`);
  authorize.search = new URLSearchParams({ response_type: 'code', client_id: 'sandbox-client', redirect_uri: `${syncUrl}/xero/callback`, scope: SCOPES, state: signState(retailerId), tenant: tenantId }).toString();
  const toCallback = await fetch(authorize, { redirect: 'manual' });
  if (toCallback.status !== 302) throw new Error(`authorize answered ${toCallback.status}: ${await toCallback.text()}`);
  const done = await fetch(toCallback.headers.get('location') ?? '', { redirect: 'manual' });
  if (done.status !== 302) throw new Error(`xero-sync's callback answered ${done.status}: ${await done.text()}`);
}

// ---- events -------------------------------------------------------------------------------------

/** The snapshot of customer `i` of a retailer. */
function snapshot(/** @type {string} */ id, /** @type {number} */ i, /** @type {number} */ version) {
  return { id, customerCode: `C-${i}`, firstName: 'Ada', lastName: `Lovelace ${id.slice(0, 8)} ${i}`, email: `ada${i}.v${version}@example.com`, phone: `09 555 ${String(i).padStart(4, '0')}` };
}

/**
 * Publishes customer.changed.v1 as the customers service's relay does (persistent, confirmed).
 * @param {Infra} inf
 */
async function publishChanged(inf, /** @type {string} */ retailerId, /** @type {string} */ customerId, /** @type {number} */ i, /** @type {number} */ version) {
  const eventId = randomUUID();
  const body = {
    eventId,
    type: 'customer.changed',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    retailerId,
    customerId,
    customerVersion: version,
    reason: version === 1 ? 'on_account_sale' : 'updated', // a sale on account links a customer to Xero
    changedFields: version === 1 ? ['customerCode', 'firstName', 'lastName', 'email', 'phone'] : ['email'],
    snapshot: snapshot(customerId, i, version),
  };
  inf.publisher.publish(EXCHANGE, 'customer.changed.v1', Buffer.from(JSON.stringify(body)), { persistent: true, contentType: 'application/json', messageId: eventId });
}

/**
 * Listens to the sync results: per `retailer:customer`, the newest version that succeeded, and when.
 * @param {Infra} inf
 */
async function results(inf) {
  const ch = await inf.amqpConn.createChannel();
  await ch.checkExchange(EXCHANGE);
  const q = await ch.assertQueue('', { exclusive: true });
  await ch.bindQueue(q.queue, EXCHANGE, 'customer.sync-succeeded.v1');
  await ch.bindQueue(q.queue, EXCHANGE, 'customer.sync-failed.v1');
  /** @type {Map<string, {version: number, at: number}>} */
  const succeeded = new Map();
  const failed = { count: 0, kinds: /** @type {Record<string, number>} */ ({}) };
  await ch.consume(
    q.queue,
    (m) => {
      if (!m) return;
      let e;
      try {
        e = JSON.parse(m.content.toString());
      } catch {
        return; // the local broker is shared: another run's deliberately broken message
      }
      const key = `${e.retailerId}:${e.customerId}`;
      if (e.type === 'customer.sync-succeeded') {
        if ((succeeded.get(key)?.version ?? 0) < e.customerVersion) succeeded.set(key, { version: e.customerVersion, at: Date.now() });
      } else {
        failed.count++;
        failed.kinds[e.error?.kind] = (failed.kinds[e.error?.kind] ?? 0) + 1;
      }
    },
    { noAck: true },
  );
  const count = (/** @type {(key: string, r: {version: number, at: number}) => boolean} */ pred) => [...succeeded].filter(([k, r]) => pred(k, r)).length;
  return { succeeded, failed, count, close: () => ch.close().catch(() => undefined) };
}

/** Waits until `done()` or the deadline; logs progress every 10 s. */
async function until(/** @type {string} */ what, /** @type {() => Promise<boolean> | boolean} */ done, /** @type {number} */ timeoutMs, /** @type {() => string} */ progress = () => '') {
  const deadline = Date.now() + timeoutMs;
  let next = Date.now() + 10_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${progress()}`);
    if (Date.now() > next) {
      log(`waiting for ${what} ${progress()}`);
      next = Date.now() + 10_000;
    }
    await sleep(200);
  }
}

// ---- the sandbox's request log ------------------------------------------------------------------

/**
 * The Contacts calls of a tenant (or of all, tenantId undefined) from the sandbox's request log.
 * @returns {Promise<Array<{at: number, method: string, status: number | null, outcome?: string, contacts: number, updates: number, written: number}>>}
 */
async function contactCalls(/** @type {any} */ sandbox, /** @type {string | undefined} */ tenantId) {
  const entries = await sandbox.admin('GET', tenantId ? `/sandbox/organisations/${tenantId}/requests` : '/sandbox/requests');
  return entries
    .filter((/** @type {any} */ e) => e.tenantId && /\/Contacts/i.test(e.path))
    .map((/** @type {any} */ e) => {
      const sent = Array.isArray(e.body?.Contacts) ? e.body.Contacts : [];
      const reply = Array.isArray(e.responseBody?.Contacts) ? e.responseBody.Contacts : [];
      const written = e.method === 'GET' || e.status !== 200 ? 0 : reply.filter((/** @type {any} */ c) => !c.HasValidationErrors && !c.ValidationErrors?.length).length;
      return { at: Date.parse(e.at), tenantId: e.tenantId, method: e.method, status: e.status, outcome: e.outcome, contacts: sent.length, updates: sent.filter((/** @type {any} */ c) => c.ContactID).length, written };
    })
    .sort((/** @type {any} */ a, /** @type {any} */ b) => a.at - b.at);
}

/** The most calls that started within any `windowMs` (two pointers over sorted times). */
function maxInWindow(/** @type {number[]} */ times, windowMs = 60_000) {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

const count429 = (/** @type {Array<{status: number | null, outcome?: string}>} */ calls) => {
  const all = calls.filter((c) => c.status === 429);
  /** @type {Record<string, number>} */
  const by = {};
  for (const c of all) by[c.outcome ?? '?'] = (by[c.outcome ?? '?'] ?? 0) + 1;
  return { total: all.length, by: Object.entries(by).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none' };
};

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const quantile = (/** @type {number[]} */ xs, /** @type {number} */ q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
};

// ---- scenarios ----------------------------------------------------------------------------------

/**
 * One tenant with a backlog, the sandbox enforcing Xero's limits (5 in flight, 60 a minute). Phase 1:
 * N new customers (a ContactNumber look-up before the creates, so at best 25 contacts a call);
 * phase 2: an edit of each (updates by ContactID, 50 a call). Counted from the sandbox's request log:
 * contacts written in the first full Xero-minute(s) of each phase, while the backlog never ran dry.
 * @param {Infra} inf
 */
async function drain(inf) {
  const N = opt('customers', 3500);
  const sandbox = await startSandbox();
  const port = await infra.freePort();
  const dbName = `sync_bench_drain_${process.pid}`;
  cleanups.push(() => inf.conn.useDb(dbName).dropDatabase());
  const worker = await startWorker(inf, dbName, port, port, sandbox.url);
  const res = await results(inf);
  const org = await sandbox.admin('POST', '/sandbox/organisations', { name: 'Drain Bench Ltd' });
  const retailerId = `bench-drain-${randomUUID()}`;
  const ids = Array.from({ length: N }, () => randomUUID());
  const ledger = inf.conn.useDb(dbName).collection('sync_ledger');

  log(`drain: recording ${N} new customers in the ledger before the retailer connects...`);
  let t = performance.now();
  for (let i = 0; i < N; i++) publishChanged(inf, retailerId, ids[i], i, 1);
  await inf.publisher.waitForConfirms();
  let recorded = 0;
  await until('the ledger', async () => (recorded = await ledger.countDocuments({ retailerId })) >= N, 600_000, () => `(${recorded}/${N})`);
  const ingest1 = N / ((performance.now() - t) / 1000);

  log('drain: connecting; phase 1 (creates)...');
  const phase1Start = Date.now();
  await connect(sandbox.url, worker.url, retailerId, org.tenantId);
  await until('phase 1', () => res.count((k, r) => k.startsWith(retailerId) && r.version >= 1) >= N, 900_000, () => `(${res.count((k) => k.startsWith(retailerId))}/${N})`);
  const phase1End = Date.now();
  const rss1 = cost(worker.pid, inf.ports);

  log('drain: phase 2 (an edit of every customer)...');
  t = performance.now();
  for (let i = 0; i < N; i++) publishChanged(inf, retailerId, ids[i], i, 2);
  await inf.publisher.waitForConfirms();
  await until('phase 2', () => res.count((k, r) => k.startsWith(retailerId) && r.version >= 2) >= N, 900_000, () => `(${res.count((k, r) => k.startsWith(retailerId) && r.version >= 2)}/${N})`);
  const phase2End = Date.now();
  const rss2 = cost(worker.pid, inf.ports);

  const calls = await contactCalls(sandbox, org.tenantId);
  const phase = (/** @type {number} */ from, /** @type {number} */ to) => calls.filter((c) => c.at >= from && c.at <= to);
  const p1 = phase(phase1Start, phase1End);
  const p2 = calls.filter((c) => c.at > phase1End || c.updates > 0);
  const perMinute = (/** @type {typeof calls} */ cs) => {
    const posts = cs.filter((c) => c.method !== 'GET');
    const t0 = cs[0]?.at ?? 0;
    const last = cs[cs.length - 1]?.at ?? 0;
    const minutes = Math.max(1, Math.floor((last - t0) / 60_000)); // full minutes with the backlog present
    const written = posts.filter((c) => c.at < t0 + minutes * 60_000).reduce((s, c) => s + c.written, 0);
    return { minutes, perMinute: written / minutes, calls: cs.length, lookups: cs.filter((c) => c.method === 'GET').length, posts: posts.length, maxCalls: maxInWindow(cs.map((c) => c.at)), r429: count429(cs) };
  };
  const m1 = perMinute(p1);
  const m2 = perMinute(p2);
  const dup = (await sandbox.admin('GET', `/sandbox/organisations/${org.tenantId}/contacts`)).length;
  await res.close();
  const row = (/** @type {string} */ name, /** @type {ReturnType<typeof perMinute>} */ m, /** @type {number} */ ceiling) =>
    `| ${name} | ${m.calls} (${m.lookups} look-ups, ${m.posts} writes) | ${m.maxCalls} | ${m.minutes} | ${m.perMinute.toFixed(0)} | ${((100 * m.perMinute) / 3000).toFixed(1)}% | ${((100 * m.perMinute) / ceiling).toFixed(1)}% | ${m.r429.total} (${m.r429.by}) |`;
  return [
    `drain: one tenant, ${N} customers, sandbox at Xero's limits (5 in flight, 60 calls a rolling minute, real clock: XERO_SANDBOX_TIME_SCALE=1)`,
    `ledger ingest before connecting: ${ingest1.toFixed(0)} events/s; contacts in the sandbox afterwards: ${dup} (customers: ${N})`,
    `worker: RSS ${rss1.rss.toFixed(0)} MiB after phase 1, ${rss2.rss.toFixed(0)} MiB after phase 2; connections: ${rss2.mongo} to the database, ${rss2.broker} to the broker`,
    `phase 1 took ${((phase1End - phase1Start) / 1000).toFixed(0)} s, phase 2 ${((phase2End - phase1End) / 1000).toFixed(0)} s (the edits were published as phase 2 began)`,
    '',
    '| phase | Xero calls | most calls in any 60 s | full Xero-minutes counted | contacts written per Xero-minute | of 3,000 | of this phase\'s ceiling | 429s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    row('1: new customers (look-up + create, ceiling 1,500)', m1, 1500),
    row('2: edits of linked customers (ceiling 3,000)', m2, 3000),
  ];
}

/**
 * Limits off (sandbox and, by spreading the customers over several retailers, xero-sync's per-tenant
 * budget too): customers created over HTTP on the customers service until each is a contact in Xero,
 * next to the raw amqplib publish/consume rate on the same broker in the same run.
 * @param {Infra} inf
 */
async function pipeline(inf) {
  const E = opt('events', 600);
  const R = opt('retailers', 4);
  const RAW = opt('raw', 5000);
  const sandbox = await startSandbox();
  await sandbox.admin('PUT', '/sandbox/limits', NO_LIMITS);
  const syncPort = await infra.freePort();
  const syncDb = `sync_bench_pipe_${process.pid}`;
  const custDb = `cust_bench_pipe_${process.pid}`;
  cleanups.push(async () => {
    for (const d of [syncDb, custDb, `${custDb}_locks`, `${syncDb}_locks`]) await inf.conn.useDb(d).dropDatabase().catch(() => undefined);
  });
  const worker = await startWorker(inf, syncDb, syncPort, syncPort, sandbox.url);
  const custPort = await infra.freePort();
  const adminToken = `bench-admin-${randomUUID()}`;
  const customers = await startApp(
    'customers',
    { MONGODB_URI: inf.mongoUri, CUSTOMERS_DB_NAME: custDb, AMQP_URL: inf.broker.url, ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(custPort), CUSTOMERS_HOST: '127.0.0.1', QUEUE_PREFIX: inf.queuePrefix, OAUTH_STATE_SECRET: STATE_SECRET, XERO_SYNC_PUBLIC_URL: worker.url },
    { port: custPort },
  );
  const res = await results(inf);
  /** @type {Array<{id: string, apiKey: string}>} */
  const retailers = [];
  for (let r = 0; r < R; r++) {
    const made = await fetch(`${customers.url}/api/retailers`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `Pipeline Shop ${r}` }) });
    if (made.status !== 201 && made.status !== 200) throw new Error(`POST /api/retailers answered ${made.status}: ${await made.text()}`);
    const body = await made.json();
    retailers.push({ id: body.id ?? body.retailerId, apiKey: body.apiKey });
    const org = await sandbox.admin('POST', '/sandbox/organisations', { name: `Pipeline Bench ${r} Ltd` });
    await connect(sandbox.url, worker.url, retailers[r].id, org.tenantId);
  }
  /** Runs `op(i)` for i in [0, n), 16 at a time; counts failures. */
  let httpFailures = 0;
  const over = async (/** @type {number} */ n, /** @type {(i: number) => Promise<Response>} */ op) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= n) return;
          const reply = await op(i);
          if (reply.status >= 300 && httpFailures++ < 3) log(`HTTP ${reply.status}: ${(await reply.clone().text()).slice(0, 200)}`);
        }
      }),
    );
  };
  const json = (/** @type {string} */ key) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  log(`pipeline: setting up ${E} customers over ${R} retailers (created, sold to on account, linked to Xero)...`);
  /** @type {Array<{retailer: {id: string, apiKey: string}, id: string}>} */
  const made = new Array(E);
  await over(E, async (i) => {
    const r = retailers[i % R];
    const reply = await fetch(`${customers.url}/api/customers`, { method: 'POST', headers: json(r.apiKey), body: JSON.stringify({ customerCode: `P-${i}`, firstName: 'Grace', lastName: `Hopper ${i}`, email: `grace${i}@example.com`, phone: `09 444 ${String(i).padStart(4, '0')}` }) });
    if (reply.status < 300) made[i] = { retailer: r, id: (await reply.clone().json()).id };
    return reply;
  });
  await over(E, (i) => fetch(`${customers.url}/api/customers/${made[i].id}/on-account-sales`, { method: 'POST', headers: json(made[i].retailer.apiKey), body: JSON.stringify({ amount: 10, reference: `INV-${i}` }) }));
  await until('every customer linked', () => made.every((m) => res.succeeded.has(`${m.retailer.id}:${m.id}`)), 600_000, () => `(${made.filter((m) => res.succeeded.has(`${m.retailer.id}:${m.id}`)).length}/${E})`);
  await sandbox.admin('DELETE', '/sandbox/requests');

  log(`pipeline: ${E} edits over HTTP (16 in flight) until each is written in Xero...`);
  /** @type {Map<string, {at: number, version: number}>} */
  const sentAt = new Map();
  const t0 = Date.now();
  await over(E, async (i) => {
    const m = made[i];
    const started = Date.now();
    const reply = await fetch(`${customers.url}/api/customers/${m.id}`, { method: 'PATCH', headers: json(m.retailer.apiKey), body: JSON.stringify({ email: `grace${i}.edited@example.com` }) });
    if (reply.status < 300) sentAt.set(`${m.retailer.id}:${m.id}`, { at: started, version: (await reply.clone().json()).version });
    return reply;
  });
  const httpDone = Date.now();
  const edited = (/** @type {string} */ k, /** @type {{version: number}} */ s) => (res.succeeded.get(k)?.version ?? 0) >= s.version;
  await until('every edit in Xero', () => [...sentAt].every(([k, s]) => edited(k, s)), 600_000, () => `(${[...sentAt].filter(([k, s]) => edited(k, s)).length}/${sentAt.size})`);
  const allDone = Math.max(...[...sentAt.keys()].map((k) => /** @type {{at: number}} */ (res.succeeded.get(k)).at));
  const latencies = [...sentAt].map(([k, s]) => /** @type {{at: number}} */ (res.succeeded.get(k)).at - s.at);
  const w = cost(worker.pid, inf.ports);
  const calls = await contactCalls(sandbox, undefined);
  await res.close();

  log(`pipeline: raw amqplib, ${RAW} messages of the same size through one queue...`);
  const sample = Buffer.from(JSON.stringify({ eventId: randomUUID(), type: 'customer.changed', schemaVersion: 1, occurredAt: new Date().toISOString(), retailerId: 'r', customerId: randomUUID(), customerVersion: 1, reason: 'created', changedFields: [], snapshot: snapshot(randomUUID(), 1, 1) }));
  const ch = await inf.amqpConn.createChannel();
  const rawQueue = `${inf.queuePrefix}raw-bench`;
  await ch.assertQueue(rawQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  cleanups.push(() => inf.amqpConn.createChannel().then((c) => c.deleteQueue(rawQueue)));
  let got = 0;
  const rawStart = performance.now();
  const consumed = new Promise((resolve) => {
    void ch.prefetch(50);
    void ch.consume(rawQueue, (m) => {
      if (!m) return;
      ch.ack(m);
      if (++got === RAW) resolve(undefined);
    });
  });
  for (let i = 0; i < RAW; i++) inf.publisher.publish('', rawQueue, sample, { persistent: true, contentType: 'application/json', messageId: randomUUID() });
  await inf.publisher.waitForConfirms();
  const publishSeconds = (performance.now() - rawStart) / 1000;
  await consumed;
  const rawSeconds = (performance.now() - rawStart) / 1000;
  await ch.close();

  const f = (/** @type {number} */ x) => x.toFixed(0);
  return [
    `pipeline: limits off in the sandbox, ${sentAt.size} linked customers edited over HTTP (PATCH, 16 in flight) spread over ${R} retailers (each its own tenant: xero-sync budgets 60 calls a minute per tenant whatever the sandbox allows); 1 xero-sync worker, 1 customers service`,
    `HTTP failures: ${httpFailures}; Xero calls: ${calls.length} (${calls.filter((c) => c.method === 'GET').length} look-ups, ${calls.filter((c) => c.method !== 'GET').length} writes, ${calls.filter((c) => c.status === 429).length} 429s); worker RSS ${w.rss.toFixed(0)} MiB`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| HTTP edits per second (customers service) | ${f(sentAt.size / ((httpDone - t0) / 1000))} |`,
    `| end to end: events per second, first HTTP request to last Xero write | ${f(sentAt.size / ((allDone - t0) / 1000))} |`,
    `| end to end latency p50 / p99 (ms) | ${f(median(latencies))} / ${f(quantile(latencies, 0.99))} |`,
    `| raw amqplib publish (confirmed, persistent, quorum queue) msgs/s | ${f(RAW / publishSeconds)} |`,
    `| raw amqplib publish + consume (ack, prefetch 50) msgs/s | ${f(RAW / rawSeconds)} |`,
  ];
}

/**
 * 1, 2 and 4 workers on one database and broker, each run with its own tenants and a backlog of new
 * customers each: throughput, and from the sandbox's log that no tenant ever had more than 60 calls
 * in a minute (or 429s).
 * @param {Infra} inf
 */
async function workers(inf) {
  const T = opt('tenants', 4);
  const PER = opt('per-tenant', 600);
  const counts = [1, 2, 4];
  const sandbox = await startSandbox();
  const dbName = `sync_bench_workers_${process.pid}`;
  cleanups.push(() => inf.conn.useDb(dbName).dropDatabase());
  const ledger = inf.conn.useDb(dbName).collection('sync_ledger');
  const ports = await Promise.all(Array.from({ length: Math.max(...counts) }, () => infra.freePort()));
  // one worker up front so that the queues exist; the backlogs of every run are recorded before any connects
  const running = [await startWorker(inf, dbName, ports[0], ports[0], sandbox.url)];
  const res = await results(inf);
  const runs = counts.map((n) => ({ n, tenants: Array.from({ length: T }, (_, t) => ({ retailerId: `bench-w${n}-${t}-${randomUUID().slice(0, 8)}`, tenantId: '' })) }));
  log(`workers: recording ${runs.length * T * PER} new customers (${PER} for each of ${T} tenants per run)...`);
  for (const run of runs)
    for (const t of run.tenants) for (let i = 0; i < PER; i++) publishChanged(inf, t.retailerId, randomUUID(), i, 1);
  await inf.publisher.waitForConfirms();
  let recorded = 0;
  await until('the ledger', async () => (recorded = await ledger.countDocuments({})) >= runs.length * T * PER, 900_000, () => `(${recorded})`);

  const lines = [];
  for (const run of runs) {
    while (running.length < run.n) running.push(await startWorker(inf, dbName, ports[running.length], ports[0], sandbox.url));
    while (running.length > run.n) await /** @type {any} */ (running.pop()).stop();
    await sleep(6000); // heartbeats settle, so each worker takes its share from the start
    log(`workers: ${run.n} worker(s), ${T} tenants of ${PER} new customers...`);
    const sample = loadSampler();
    const t0 = Date.now();
    for (const t of run.tenants) {
      t.tenantId = (await sandbox.admin('POST', '/sandbox/organisations', { name: `Workers Bench ${t.retailerId}` })).tenantId;
      await connect(sandbox.url, running[0].url, t.retailerId, t.tenantId);
    }
    const mine = (/** @type {string} */ k) => run.tenants.some((t) => k.startsWith(`${t.retailerId}:`));
    await until(`${run.n} worker(s)`, () => res.count((k) => mine(k)) >= T * PER, 900_000, () => `(${res.count((k) => mine(k))}/${T * PER})`);
    const seconds = (Date.now() - t0) / 1000;
    const load = sample();
    const costs = running.map((w) => cost(w.pid, inf.ports));
    let maxCalls = 0;
    let r429 = 0;
    for (const t of run.tenants) {
      const calls = await contactCalls(sandbox, t.tenantId);
      maxCalls = Math.max(maxCalls, maxInWindow(calls.map((c) => c.at)));
      r429 += calls.filter((c) => c.status === 429).length;
    }
    lines.push(
      `| ${run.n} | ${T} × ${PER} | ${seconds.toFixed(0)} | ${((T * PER) / seconds).toFixed(0)} | ${(((T * PER) / seconds) * 60).toFixed(0)} | ${maxCalls} | ${r429} | ${costs.map((c) => c.rss.toFixed(0)).join(', ')} | ${costs.map((c) => `${c.mongo}/${c.broker}`).join(', ')} | ${load} |`,
    );
  }
  await res.close();
  return [
    `workers: ${T} tenants per run, each with ${PER} new customers (look-up + create: at most 1,500 contacts a tenant-minute), sandbox at Xero's limits, real clock; ${res.failed.count} sync failures`,
    '',
    '| workers | customers | seconds | contacts/s | contacts/min | most calls of one tenant in any 60 s (limit 60) | 429s | RSS MiB per worker | connections db/broker per worker | load (1 min) |',
    '|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
    ...lines,
  ];
}

/**
 * Many tenants sharing an app limit set low: a steady stream of edits spread over every tenant asks
 * for far more calls than the app may make; the sandbox's log shows whether the app limit was ever
 * exceeded (a 429 with problem appminute, or more calls in a rolling minute), and how evenly the
 * calls went round (calls per tenant, and each tenant's median edit-to-Xero latency).
 * @param {Infra} inf
 */
async function many(inf) {
  const T = opt('tenants', 200);
  const APP = opt('app-limit', 600);
  const SECONDS = opt('seconds', 90);
  const RATE = opt('rate', 40);
  const sandbox = await startSandbox();
  await sandbox.admin('PUT', '/sandbox/limits', { appPerMinute: APP });
  const port = await infra.freePort();
  const dbName = `sync_bench_many_${process.pid}`;
  cleanups.push(() => inf.conn.useDb(dbName).dropDatabase());
  const worker = await startWorker(inf, dbName, port, port, sandbox.url);
  const res = await results(inf);
  const idle = cost(worker.pid, inf.ports);
  const tenants = [];
  log(`many: connecting ${T} tenants...`);
  for (let t = 0; t < T; t++) {
    const retailerId = `bench-many-${t}-${randomUUID().slice(0, 8)}`;
    const org = await sandbox.admin('POST', '/sandbox/organisations', { name: `Many Bench ${t} Ltd` });
    await connect(sandbox.url, worker.url, retailerId, org.tenantId);
    tenants.push({ retailerId, tenantId: org.tenantId, customers: [randomUUID(), randomUUID()], version: [0, 0] });
  }
  await sleep(3000);
  await sandbox.admin('POST', '/sandbox/limits/reset');
  await sandbox.admin('DELETE', '/sandbox/requests');
  log(`many: ${RATE} edits a second over ${T} tenants for ${SECONDS} s, app limit ${APP} calls a minute...`);
  const sample = loadSampler();
  /** @type {Map<string, number>} when each (customer, version) was published */
  const published = new Map();
  const t0 = Date.now();
  let n = 0;
  while (Date.now() - t0 < SECONDS * 1000) {
    const due = Math.floor(((Date.now() - t0) / 1000) * RATE);
    for (; n < due; n++) {
      const t = tenants[n % T];
      const c = Math.floor(n / T) % 2;
      const v = ++t.version[c];
      publishChanged(inf, t.retailerId, t.customers[c], c, v);
      published.set(`${t.retailerId}:${t.customers[c]}:${v}`, Date.now());
    }
    await sleep(25);
  }
  await inf.publisher.waitForConfirms();
  const peak = cost(worker.pid, inf.ports);
  // let everything published go out, then read the log
  await until(
    'the last edits',
    () => tenants.every((t) => t.customers.every((c, i) => t.version[i] === 0 || (res.succeeded.get(`${t.retailerId}:${c}`)?.version ?? 0) >= t.version[i])),
    300_000,
    () => `(${tenants.filter((t) => t.customers.every((c, i) => t.version[i] === 0 || (res.succeeded.get(`${t.retailerId}:${c}`)?.version ?? 0) >= t.version[i])).length}/${T} tenants caught up)`,
  );
  const tEnd = Date.now();
  const load = sample();
  const calls = await contactCalls(sandbox, undefined);
  const posts = calls.filter((c) => c.method !== 'GET' && c.status === 200);
  /** @type {Map<string, number>} */
  const perTenant = new Map(tenants.map((t) => [t.tenantId, 0]));
  for (const c of posts) perTenant.set(/** @type {any} */ (c).tenantId, (perTenant.get(/** @type {any} */ (c).tenantId) ?? 0) + 1);
  const callCounts = [...perTenant.values()];
  // catch-up time of each tenant: from the publication of its last edit to its last result
  const catchUp = tenants.map((t) =>
    Math.max(
      ...t.customers.map((c, i) => {
        if (!t.version[i]) return 0;
        const key = `${t.retailerId}:${c}`;
        return /** @type {{at: number}} */ (res.succeeded.get(key)).at - /** @type {number} */ (published.get(`${key}:${t.version[i]}`));
      }),
    ),
  );
  const r429 = count429(calls);
  await res.close();
  const medCalls = median(callCounts);
  const minCalls = Math.min(...callCounts);
  const medCatch = median(catchUp);
  const maxCatch = Math.max(...catchUp);
  return [
    `many: ${T} tenants on 1 worker, sandbox app limit ${APP} calls a minute (per-tenant limits Xero's), ${n} edits published at ${RATE}/s for ${SECONDS} s (demand ≈ ${Math.round(Math.min(RATE, T) * 60)} calls a minute), then drained in ${((tEnd - t0) / 1000 - SECONDS).toFixed(0)} s; load ${load}`,
    `worker: RSS ${idle.rss.toFixed(0)} MiB idle before connecting, ${peak.rss.toFixed(0)} MiB with ${T} tenants pushing; connections: ${peak.mongo} to the database, ${peak.broker} to the broker`,
    '',
    '| measure | value |',
    '|---|---:|',
    `| Xero calls (all tenants) | ${calls.length} |`,
    `| most app calls in any rolling 60 s (limit ${APP}) | ${maxInWindow(calls.map((c) => c.at))} |`,
    `| 429s | ${r429.total} (${r429.by}) |`,
    `| successful writes per tenant: min / median / max | ${minCalls} / ${medCalls} / ${Math.max(...callCounts)} |`,
    `| slowest tenant's writes vs the median (starving if below 1/3) | ${(minCalls / medCalls).toFixed(2)} |`,
    `| catch-up after its last edit, per tenant: median / slowest (s) | ${(medCatch / 1000).toFixed(1)} / ${(maxCatch / 1000).toFixed(1)} |`,
    `| slowest tenant's catch-up vs the median (within 3x?) | ${(maxCatch / medCatch).toFixed(2)} |`,
  ];
}

// ---- main ---------------------------------------------------------------------------------------

async function main() {
  /** @type {Record<string, (inf: Infra) => Promise<string[]>>} */
  const scenarios = { drain, pipeline, workers, many };
  const run = scenarios[SCENARIO];
  if (!run) throw new Error(`unknown scenario ${SCENARIO}: one of ${Object.keys(scenarios).join(', ')}`);
  const timeoutMin = opt('timeout-min', 12);
  const timer = setTimeout(() => {
    log(`the run took longer than ${timeoutMin} min: stopping`);
    void cleanup().finally(() => process.exit(2));
  }, timeoutMin * 60_000);
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  try {
    const sample = loadSampler();
    const inf = await startInfra(stamp);
    const lines = await run(inf);
    console.log(
      `\n${[`sync benchmark "${SCENARIO}" — ${new Date().toISOString()}`, `machine: ${machine()}`, `database: ${inf.db}; broker: ${inf.broker.source}; load (1 min) during the run: ${sample()} (now ${loadAverage()})`, ...lines].join('\n')}\n`,
    );
  } finally {
    clearTimeout(timer);
    await cleanup();
  }
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM']))
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });

main().catch(async (err) => {
  console.error(err);
  await cleanup();
  process.exit(1);
});
