#!/usr/bin/env node
// @ts-check
/**
 * Benchmark of the customers service: throughput and p50/p99 latency of create, update, get and
 * search over HTTP at a fixed concurrency, and, in the same run against the same database server,
 * the raw mongoose throughput of the same operations on documents of the same shape with the same
 * indexes. The ratio is what the service costs on top of the database (HTTP, validation, the
 * per-document write serialisation, the outbox entry and its relay publishing in the background).
 *
 *   npx nx build customers                      # the service runs from dist/, as in production
 *   node tools/bench/customers-bench.js [--concurrency 16] [--ops 500] [--keep] [--postgresql]
 *
 * No npm script and nothing to install. Environment:
 *   MONGODB_URI  a MongoDB-compatible server; unset = an embedded FerretDB (tools/infra) in a temp dir,
 *                over SQLite, or over PostgreSQL: FERRETDB_POSTGRESQL_URL, or with --postgresql a fresh
 *                database of the local PostgreSQL (127.0.0.1:5432), dropped at the end
 *   AMQP_URL     the broker; unset = the local RabbitMQ (or a private node, as npm start does)
 * The service and the raw phase use their own fresh databases (bench_svc_*, bench_raw_*), dropped at
 * the end unless --keep. The figures and the machine are printed at the end, ready for the README.
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { randomUUID } = require('node:crypto');
const mongoose = require('mongoose');
const amqp = require('amqplib');
const infra = require('../infra');

const args = process.argv.slice(2);
const opt = (/** @type {string} */ name, /** @type {number} */ dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const CONCURRENCY = opt('concurrency', 16);
const OPS = opt('ops', 500);
const KEEP = args.includes('--keep');
/** Store the embedded FerretDB in a fresh database of the local PostgreSQL rather than SQLite. */
const POSTGRESQL = args.includes('--postgresql');
const SEARCH_PAGE = 20;
const log = (/** @type {string} */ m) => process.stderr.write(`[bench] ${m}\n`);

// ---- data -------------------------------------------------------------------------------------

const FIRST = ['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Edsger', 'Donald', 'Margaret', 'Ken', 'Radia', 'Tim', 'Frances'];
const LAST = ['Lovelace', 'Turing', 'Hopper', 'Torvalds', 'Liskov', 'Dijkstra', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Berners', 'Allen', 'Kay', 'Ritchie', 'Wirth', 'Moore'];
const pick = (/** @type {string[]} */ a, /** @type {number} */ i) => a[i % a.length];

/** The body of the i-th customer: every field a till would typically fill in. */
function customerBody(/** @type {number} */ i) {
  return {
    customerCode: `B-${String(i).padStart(6, '0')}`,
    firstName: pick(FIRST, i),
    lastName: `${pick(LAST, Math.floor(i / FIRST.length))}${i % 7 === 0 ? 'son' : ''}`,
    email: `customer${i}@example.com`,
    phone: `09 ${String(100 + (i % 900))} ${String(1000 + i).slice(-4)}`,
    physicalAddress: { line1: `${1 + (i % 300)} Queen St`, suburb: 'Central', city: 'Auckland', postcode: '1010', country: 'NZ' },
    note: 'bench',
  };
}
const searchQuery = (/** @type {number} */ i) => pick(LAST, i).slice(0, 3).toLowerCase();

// What the service stores, mirrored for the raw phase (same shape, same indexes). The raw phase
// reads and updates by _id, the cheapest way the database offers (what the service does too).
const normalise = (/** @type {string} */ s) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
function storedDoc(/** @type {string} */ retailerId, /** @type {number} */ i) {
  const f = customerBody(i);
  const id = randomUUID();
  const name = `${f.firstName} ${f.lastName}`;
  const now = new Date();
  return {
    _id: id,
    retailerId,
    version: 1,
    rev: 1,
    fields: f,
    searchKeys: [normalise(name), normalise(f.firstName), normalise(f.lastName), normalise(f.email), normalise(f.customerCode), f.phone.replace(/\D/g, '')],
    sortName: `${normalise(name)}\u0001${id}`,
    codeKey: normalise(f.customerCode),
    xero: { status: 'not_linked', pendingFields: [], history: [], requiredVersion: 1 },
    outbox: [{ eventId: randomUUID(), routingKey: 'customer.changed.v1', body: { customerId: id, snapshot: f }, createdAt: now }],
    outboxSeq: 1,
    outboxAt: now,
    relayLock: null,
    sales: [],
    appliedEventIds: [],
    onAccountTotal: 0,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

// ---- measuring --------------------------------------------------------------------------------

/**
 * Runs `op(i)` for i in [0, n) with `concurrency` in flight at a time.
 * @param {(i: number) => Promise<unknown>} op
 */
async function measure(/** @type {number} */ n, /** @type {number} */ concurrency, op) {
  const latencies = new Float64Array(n);
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= n) return;
        const t = performance.now();
        try {
          await op(i);
        } catch (err) {
          if (failures++ < 3) log(`operation ${i} failed: ${/** @type {Error} */ (err).message}`);
        }
        latencies[i] = performance.now() - t;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
  return { ops: n, seconds, throughput: n / seconds, p50: at(0.5), p99: at(0.99), failures };
}

// ---- HTTP -------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * @param {string} base
 * @param {string} method
 * @param {string} p
 * @param {Record<string, string>} headers
 * @param {unknown} [body]
 * @returns {Promise<{status: number, body: any}>}
 */
function call(base, method, p, headers, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      `${base}${p}`,
      { method, agent, headers: { ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}) } },
      (res) => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          if (status >= 400) reject(new Error(`${method} ${p} answered ${status}: ${text.slice(0, 200)}`));
          else resolve({ status, body: parsed });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function startService(/** @type {Record<string, string>} */ env, /** @type {number} */ port) {
  const main = path.join(infra.ROOT, 'dist', 'apps', 'customers', 'main.js');
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: run \`npx nx build customers\` first`);
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let errorsShown = 0;
  const keep = (/** @type {Buffer} */ d) => {
    out = (out + d.toString()).slice(-8000);
    // the service's own error lines (pino level 50), so a failed operation says why
    for (const line of d.toString().split('\n')) if (line.includes('"level":50') && errorsShown++ < 3) log(`service: ${line.slice(0, 1500)}`);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`customers exited with ${child.exitCode}:\n${out}`);
    const ok = await fetch(`${url}/health/ready`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`customers did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      child.once('exit', () => resolve(undefined));
      child.kill('SIGTERM');
    });
  return { url, stop, pid: child.pid };
}

// ---- the run ----------------------------------------------------------------------------------

function machine() {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? 'unknown';
  try {
    model = execFileSync('sh', ['-c', "lscpu | grep 'Model name' | sed 's/Model name: *//'"], { encoding: 'utf8' }).trim() || model;
  } catch {
    /* lscpu missing */
  }
  let nproc = String(cpus.length);
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    /* keep os.cpus() */
  }
  return { nproc, model, memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1), node: process.version, os: `${os.type()} ${os.release()}` };
}

function postgresVersion() {
  try {
    return execFileSync('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-qtAc', 'SHOW server_version'], { encoding: 'utf8' }).trim().split(' ')[0];
  } catch {
    return '';
  }
}

async function main() {
  const stamp = `${Date.now().toString(36)}_${process.pid}`;
  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [];
  const cleanup = async () => {
    for (const c of cleanups.reverse()) await c().catch((err) => log(`cleanup: ${err.message}`));
  };
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
        backend = `PostgreSQL ${postgresVersion()} on 127.0.0.1`;
      }
      const db = await infra.startEmbeddedMongo({ dir, postgresqlUrl, log });
      cleanups.push(async () => {
        await db.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      });
      mongoUri = db.uri;
      dbSource = `embedded FerretDB (${backend}, tools/infra)`;
    }
    const broker = await infra.resolveBroker({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pos-bench-rabbit-')), log });
    cleanups.push(broker.stop);

    const conn = await mongoose.createConnection(mongoUri, { dbName: `bench_raw_${stamp}` }).asPromise();
    cleanups.push(() => conn.close());
    const build = await conn.db?.admin().command({ buildInfo: 1 });
    const ferret = () => {
      // the embedded build reports "unknown"; the launcher's go.mod names the version it embeds
      const mod = fs.readFileSync(path.join(infra.ROOT, 'tools', 'ferretdb', 'go.mod'), 'utf8');
      return build?.ferretdbVersion !== 'unknown' ? build?.ferretdbVersion : (/FerretDB\/FerretDB (v\S+)/.exec(mod)?.[1] ?? 'unknown');
    };
    const server = build?.ferretdbVersion ? `FerretDB ${ferret()} (MongoDB ${build.version} wire protocol)` : `MongoDB ${build?.version}`;

    // the service, from dist, as production runs it
    const port = await infra.freePort();
    const adminToken = `bench-admin-${randomUUID()}`;
    const queuePrefix = `bench_${stamp}.`;
    const svcDb = `bench_svc_${stamp}`;
    log(`starting the customers service on port ${port} (database ${svcDb})...`);
    const svc = await startService(
      { MONGODB_URI: mongoUri, CUSTOMERS_DB_NAME: svcDb, AMQP_URL: broker.url, ADMIN_TOKEN: adminToken, CUSTOMERS_PORT: String(port), LOG_LEVEL: 'warn', QUEUE_PREFIX: queuePrefix, CUSTOMERS_HOST: '127.0.0.1' },
      port,
    );
    cleanups.push(async () => {
      await svc.stop();
      if (!KEEP) await conn.useDb(svcDb).dropDatabase();
      if (!KEEP) await conn.useDb(`${svcDb}_locks`).dropDatabase();
      const c = await amqp.connect(broker.url);
      const ch = await c.createChannel();
      for (const q of ['customers.xero-status', 'customers.xero-status.retry', 'customers.xero-status.dlq']) await ch.deleteQueue(`${queuePrefix}${q}`).catch(() => undefined);
      await c.close();
    });

    const retailer = (await call(svc.url, 'POST', '/api/retailers', { authorization: `Bearer ${adminToken}` }, { name: 'Bench Shop' })).body;
    const auth = { authorization: `Bearer ${retailer.apiKey}` };
    // warm up the service (JIT, connection pools) with customers outside the measured range
    await measure(200, CONCURRENCY, (i) => call(svc.url, 'POST', '/api/customers', auth, customerBody(1_000_000 + i)));

    /**
     * Waits until the relay has published everything (so the next phase measures only itself) and
     * returns how long that took. Polls twice a second with one cheap query: scraping /metrics
     * often would itself load the database (its outbox gauges scan the collection on FerretDB).
     */
    const svcCustomers = conn.useDb(svcDb).collection('customers');
    const drained = async () => {
      const t = performance.now();
      while (await svcCustomers.findOne({ outboxAt: { $ne: null } }, { projection: { _id: 1 } })) await new Promise((r) => setTimeout(r, 500));
      return (performance.now() - t) / 1000;
    };
    await drained();

    log(`HTTP: ${OPS} operations of each kind at concurrency ${CONCURRENCY}...`);
    /** @type {string[]} */
    const ids = new Array(OPS);
    /** @type {Record<string, ReturnType<typeof measure> extends Promise<infer R> ? R : never>} */
    const viaHttp = {};
    viaHttp.create = await measure(OPS, CONCURRENCY, async (i) => {
      ids[i] = (await call(svc.url, 'POST', '/api/customers', auth, customerBody(i))).body.id;
    });
    const drainAfterCreate = await drained();
    viaHttp.update = await measure(OPS, CONCURRENCY, (i) => call(svc.url, 'PATCH', `/api/customers/${ids[i]}`, auth, { email: `changed${i}@example.com`, phone: `04 ${1000 + i}` }));
    const drainAfterUpdate = await drained();
    viaHttp.get = await measure(OPS, CONCURRENCY, (i) => call(svc.url, 'GET', `/api/customers/${ids[(i * 7) % OPS]}`, auth));
    viaHttp.search = await measure(OPS, CONCURRENCY, (i) => call(svc.url, 'GET', `/api/customers?q=${searchQuery(i)}&pageSize=${SEARCH_PAGE}`, auth));

    // raw mongoose on the same server: documents of the same shape, the same indexes
    log(`raw mongoose: ${OPS} operations of each kind at concurrency ${CONCURRENCY}...`);
    const Raw = conn.model('RawCustomer', new mongoose.Schema({ _id: String }, { strict: false, collection: 'customers', versionKey: false }));
    const coll = Raw.collection;
    await coll.createIndex({ retailerId: 1, codeKey: 1 }, { unique: true });
    await coll.createIndex({ retailerId: 1, sortName: 1, _id: 1 });
    await coll.createIndex({ retailerId: 1, searchKeys: 1 });
    await coll.createIndex({ retailerId: 1, 'xero.status': 1 });
    await coll.createIndex({ outboxAt: 1 });
    const rid = randomUUID();
    await measure(200, CONCURRENCY, (i) => Raw.create(storedDoc(rid, 1_000_000 + i)));
    /** @type {string[]} */
    const rawIds = new Array(OPS);
    /** @type {typeof viaHttp} */
    const raw = {};
    raw.create = await measure(OPS, CONCURRENCY, async (i) => {
      const doc = storedDoc(rid, i);
      await Raw.create(doc);
      rawIds[i] = doc._id;
    });
    raw.update = await measure(OPS, CONCURRENCY, (i) =>
      Raw.findOneAndUpdate(
        { _id: rawIds[i] },
        {
          $set: { 'fields.email': `changed${i}@example.com`, 'fields.phone': `04 ${1000 + i}`, updatedAt: new Date() },
          $inc: { version: 1, rev: 1, outboxSeq: 1 },
          $push: { outbox: { eventId: randomUUID(), routingKey: 'customer.changed.v1', body: { customerId: rawIds[i] }, createdAt: new Date() } },
        },
        { new: true },
      )
        .lean()
        .exec(),
    );
    // the service's relay has removed the published entries by now; leave the raw documents in the same state
    await coll.updateMany({}, { $set: { outbox: [], outboxAt: null } });
    raw.get = await measure(OPS, CONCURRENCY, (i) => Raw.findById(rawIds[(i * 7) % OPS]).lean().exec());
    raw.search = await measure(OPS, CONCURRENCY, (i) => {
      const filter = { retailerId: rid, deletedAt: null, searchKeys: { $in: [new RegExp(`^${searchQuery(i)}`)] } };
      return Promise.all([Raw.find(filter, { outbox: 0, sales: 0 }).sort({ sortName: 1, _id: 1 }).limit(SEARCH_PAGE).lean().exec(), Raw.countDocuments(filter).exec()]);
    });
    if (!KEEP) cleanups.push(() => conn.dropDatabase());

    // ---- report ----
    const m = machine();
    const f = (/** @type {number} */ x, /** @type {number} */ d = 1) => x.toFixed(d);
    const lines = [
      `customers benchmark — ${new Date().toISOString()}`,
      `machine: ${m.nproc} CPU (${m.model}), ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}`,
      `database: ${server} — ${dbSource}; broker: ${broker.source}; service and database on this machine`,
      `load: ${OPS} operations of each kind, ${CONCURRENCY} in flight; HTTP keep-alive; service LOG_LEVEL=warn`,
      `outbox: the relay (publishing in the background during each phase) still needed ${f(drainAfterCreate)} s after the create phase and ${f(drainAfterUpdate)} s after the update phase to publish the last of the ${OPS} events`,
      '',
      '| operation | HTTP ops/s | HTTP p50 ms | HTTP p99 ms | raw mongoose ops/s | raw p50 ms | raw p99 ms | HTTP / raw throughput |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      ...['create', 'update', 'get', 'search'].map((k) => {
        const h = viaHttp[k];
        const r = raw[k];
        const failed = h.failures || r.failures ? ` (failures: HTTP ${h.failures}, raw ${r.failures})` : '';
        return `| ${k} | ${f(h.throughput, 0)} | ${f(h.p50)} | ${f(h.p99)} | ${f(r.throughput, 0)} | ${f(r.p50)} | ${f(r.p99)} | ${f(h.throughput / r.throughput, 2)}${failed} |`;
      }),
    ];
    console.log(`\n${lines.join('\n')}\n`);
  } finally {
    agent.destroy();
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
