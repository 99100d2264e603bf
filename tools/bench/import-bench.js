#!/usr/bin/env node
// @ts-check
/**
 * Benchmark of Import from Xero, end to end: N contacts seeded into a sandbox organisation through
 * its admin API (a mix of customers, suppliers, both, general and archived contacts), the retailer
 * connected through the real OAuth flow, then one import started over the customers API and timed:
 * how long xero-sync took to page every contact (GET /Contacts, pageSize 1000, under the tenant's
 * limiter) and how long until customers had applied every page, against the physical limit of
 * Xero's 60 calls a minute per tenant (60 pages of 1,000 contacts a minute).
 *
 *   npx nx run-many -t build -p customers xero-sync xero-sandbox   # the apps run from dist/
 *   node tools/bench/import-bench.js [--contacts 100000] [--dry-run] [--postgresql] [--time-scale 1] [--bound-minutes 60]
 *
 * The sandbox enforces Xero's limits on its own clock: `--time-scale N` sets XERO_SANDBOX_TIME_SCALE
 * (its minute lasts 60/N s), but xero-sync's own limiter counts real minutes, so the physical limit
 * stays 60 pages a real minute; the default is 1 (real time). Environment: MONGODB_URI (unset = an
 * embedded FerretDB over SQLite, over a fresh PostgreSQL database with --postgresql), AMQP_URL (unset
 * = the local RabbitMQ). Fresh databases (bench_imp_*) are used; the figures and the machine are
 * printed at the end, ready for the README. `--bound-minutes` stops waiting after that long and reports
 * the rates reached so far (status "bounded"); SIGINT/SIGTERM stop the processes it started too.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const mongoose = require('mongoose');
const infra = require('../infra');

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {number} */ dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const CONTACTS = opt('contacts', 100_000);
const TIME_SCALE = opt('time-scale', 1);
const DRY_RUN = args.includes('--dry-run');
const POSTGRESQL = args.includes('--postgresql');
const BOUND_MS = opt('bound-minutes', 60) * 60_000;
const PAGE_SIZE = 1000;
const log = (/** @type {string} */ m) => process.stderr.write(`[bench] ${m}\n`);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a built app as its own process and waits until it answers its health check.
 * @param {string} name
 * @param {Record<string, string>} env
 * @param {number} port
 * @param {'ready' | 'live'} waitFor
 */
async function startApp(name, env, port, waitFor = 'ready') {
  const main = path.join(infra.ROOT, 'dist', 'apps', name, 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build first (npx nx run-many -t build)`);
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errorsShown = 0;
  const keep = (/** @type {Buffer} */ d) => {
    out = (out + d.toString()).slice(-8000);
    for (const line of d.toString().split('\n')) if (line.includes('"level":50') && errorsShown++ < 3) log(`${name}: ${line.slice(0, 1000)}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}:\n${out}`);
    if (await fetch(`${url}/health/${waitFor}`).then((r) => r.status === 200, () => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not become ready:\n${out}`);
    }
    await sleep(200);
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    });
  return { url, stop };
}

/**
 * @param {string} url
 * @param {RequestInit & { json?: unknown }} [init]
 * @returns {Promise<any>}
 */
async function http(url, init = {}) {
  const { json, ...rest } = init;
  const r = await fetch(url, {
    ...rest,
    redirect: 'manual',
    headers: { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...(rest.headers ?? {}) },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
  if (r.status >= 300 && r.status < 400) return { location: r.headers.get('location') };
  const text = await r.text();
  if (!r.ok) throw new Error(`${rest.method ?? 'GET'} ${url} answered ${r.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

function machine() {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');

async function main() {
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [];
  const cleanup = async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch((err) => log(`cleanup: ${err.message}`));
  };
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      log(`${signal}: stopping what the benchmark started`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    let mongoUri = process.env.MONGODB_URI;
    let dbSource = 'MONGODB_URI';
    if (!mongoUri) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-ferretdb-'));
      let postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL || undefined;
      let backend = postgresqlUrl ? 'PostgreSQL at FERRETDB_POSTGRESQL_URL' : 'SQLite';
      if (!postgresqlUrl && POSTGRESQL) {
        const pg = await infra.createLocalPostgresDatabase(`pos_bench_${stamp}`, log);
        if (!pg) throw new Error('--postgresql: no PostgreSQL answers at 127.0.0.1:5432 (or psql is missing)');
        cleanups.push(pg.drop);
        postgresqlUrl = pg.url;
        backend = 'PostgreSQL on 127.0.0.1';
      }
      const db = await infra.startEmbeddedMongo({ dir, postgresqlUrl, log });
      cleanups.push(async () => {
        await db.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      mongoUri = db.uri;
      dbSource = `embedded FerretDB (${backend})`;
    }
    const broker = await infra.resolveBroker({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-rabbit-')), log });
    cleanups.push(broker.stop);

    const [sandboxPort, customersPort, syncPort] = [await infra.freePort(), await infra.freePort(), await infra.freePort()];
    const adminToken = `bench-admin-${randomUUID()}`;
    const syncDb = `bench_imp_sync_${stamp}`;
    const sandbox = await startApp(
      'xero-sandbox',
      { XERO_SANDBOX_PORT: String(sandboxPort), XERO_SANDBOX_SEED_DEMO: 'false', ...(TIME_SCALE !== 1 ? { XERO_SANDBOX_TIME_SCALE: String(TIME_SCALE) } : {}) },
      sandboxPort,
      'live',
    );
    cleanups.push(sandbox.stop);
    const common = {
      MONGODB_URI: mongoUri,
      AMQP_URL: broker.url,
      QUEUE_PREFIX: `bench_${stamp}.`,
      QUEUE_EXPIRES_MS: '60000',
      OAUTH_STATE_SECRET: `bench-state-${randomUUID()}`,
      XERO_REDIRECT_URI: `http://127.0.0.1:${syncPort}/xero/callback`,
      XERO_AUTHORIZE_URL: `${sandbox.url}/identity/connect/authorize`,
    };
    const [customers, sync] = await Promise.all([
      startApp('customers', { ...common, CUSTOMERS_DB_NAME: `bench_imp_customers_${stamp}`, ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(customersPort) }, customersPort),
      startApp('xero-sync', { ...common, XERO_SYNC_DB_NAME: syncDb, XERO_SYNC_PORT: String(syncPort), XERO_API_URL: sandbox.url, TOKEN_ENCRYPTION_KEY: `bench-${randomUUID()}` }, syncPort),
    ]);
    cleanups.push(customers.stop, sync.stop);
    const syncConn = await mongoose.createConnection(mongoUri, { dbName: syncDb }).asPromise();
    cleanups.push(() => syncConn.close());

    const { tenantId } = await http(`${sandbox.url}/sandbox/organisations`, { method: 'POST', json: { name: 'Import Bench Ltd' } });
    const retailer = await http(`${customers.url}/api/retailers`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, json: { name: 'Import Bench Shop' } });
    const auth = { authorization: `Bearer ${retailer.apiKey}` };
    const api = (/** @type {string} */ p, /** @type {RequestInit & { json?: unknown }} */ init = {}) =>
      http(`${customers.url}/api${p}`, { ...init, headers: { ...auth, ...(init.headers ?? {}) } });

    const seedStarted = performance.now();
    const seeded = await http(`${sandbox.url}/sandbox/organisations/${tenantId}/contacts/seed`, { method: 'POST', json: { count: CONTACTS, withDetails: true } });
    log(`seeded ${seeded.created} contacts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s: ${JSON.stringify(seeded.byDesignation)}`);

    const start = await api('/xero/connect');
    const authorize = new URL(start.location);
    authorize.searchParams.set('tenant', tenantId);
    const consent = await http(authorize.toString());
    await http(consent.location);
    for (let i = 0; (await api('/xero/connection')).status !== 'connected'; i++) {
      if (i > 300) throw new Error('the retailer never showed connected');
      await sleep(100);
    }

    const loadBefore = load();
    const started = performance.now();
    const job = await api('/imports/xero', { method: 'POST', json: { dryRun: DRY_RUN } });
    log(`import ${job.id} started (${DRY_RUN ? 'dry run' : 'real'})`);
    const pages = syncConn.collection('import_pages');
    let fetchedAt = 0;
    let firstPageAt = 0;
    let report;
    let lastLog = 0;
    const loads = [load()];
    for (;;) {
      try {
        report = await api(`/imports/${job.id}`);
      } catch (err) {
        // a loaded machine may answer a poll with an error: poll again, the import goes on regardless
        log(`poll: ${/** @type {Error} */ (err).message.slice(0, 200)}`);
        await sleep(1000);
        continue;
      }
      const fetched = await pages.countDocuments({ importId: job.id });
      const now = performance.now();
      if (fetched > 0 && !firstPageAt) firstPageAt = now;
      const last = await pages.findOne({ importId: job.id }, { sort: { page: -1 } });
      if (!fetchedAt && last && last.page >= last.pageCount) fetchedAt = now;
      if (now - lastLog > 10_000) {
        lastLog = now;
        loads.push(load());
        log(`${((now - started) / 1000).toFixed(0)} s: fetched ${fetched} pages, applied ${report.pages.done}/${report.pages.total ?? '?'} (${report.status})`);
      }
      if (['completed', 'failed', 'cancelled'].includes(report.status)) break;
      if (now - started > BOUND_MS) {
        log(`bound of ${BOUND_MS / 60_000} min reached: reporting the rates so far`);
        report = { ...report, status: `bounded (${report.status})`, fetched };
        break;
      }
      await sleep(500);
    }
    const ended = performance.now();
    const pageCount = report.pages.total ?? Math.ceil(CONTACTS / PAGE_SIZE);
    if (!fetchedAt) fetchedAt = ended; // bounded before the last page: the rates below are per page fetched
    const fetchedPages = report.fetched ?? pageCount;
    const limitSeconds = (pageCount / 60) * 60; // 60 pages a minute
    const fetchSeconds = (fetchedAt - started) / 1000;
    const totalSeconds = (ended - started) / 1000;
    const m = machine();
    const result = {
      contacts: CONTACTS,
      dryRun: DRY_RUN,
      status: report.status,
      pages: pageCount,
      counts: report.contacts,
      firstPageSeconds: Number(((firstPageAt - started) / 1000).toFixed(1)),
      fetchSeconds: Number(fetchSeconds.toFixed(1)),
      totalSeconds: Number(totalSeconds.toFixed(1)),
      physicalLimitSeconds: limitSeconds,
      fetchVsLimit: Number((fetchSeconds / limitSeconds).toFixed(2)),
      totalVsLimit: Number((totalSeconds / limitSeconds).toFixed(2)),
      contactsPerSecond: Math.round(CONTACTS / totalSeconds),
      pagesFetched: fetchedPages,
      pagesApplied: report.pages.done,
      fetchPagesPerMinute: Number(((fetchedPages / fetchSeconds) * 60).toFixed(1)),
      applyPagesPerMinute: Number(((report.pages.done / totalSeconds) * 60).toFixed(1)),
      sandboxTimeScale: TIME_SCALE,
      database: dbSource,
      machine: { ...m, loadBefore, loadDuring: loads.join(' | ') },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(
      `\n| contacts | pages | paged in (s) | applied in (s) | physical limit (s) | paged / limit | applied / limit |\n|---:|---:|---:|---:|---:|---:|---:|\n` +
        `| ${CONTACTS} | ${pageCount} | ${result.fetchSeconds} | ${result.totalSeconds} | ${limitSeconds} | ${result.fetchVsLimit} | ${result.totalVsLimit} |\n` +
        `Machine: ${m.nproc} cores (${m.model}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${dbSource}; load before ${loadBefore}.\n`,
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    log(err.stack ?? String(err));
    process.exit(1);
  },
);
