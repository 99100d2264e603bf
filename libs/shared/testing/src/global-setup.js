// @ts-check
/**
 * Jest global setup shared by every project: decides once per run where the database and the
 * broker come from, says which it used, and hands the URLs to the test workers through the
 * environment. Order: MONGODB_URI / AMQP_URL when set; else testcontainers when a Docker engine
 * answers; else the embedded FerretDB (over PostgreSQL when one is named or answers locally, else
 * SQLite) and the local (or a private) RabbitMQ. Never skips: no infrastructure is an error.
 */
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
// The launcher is shared with `npm start`, which is why it lives in tools/ rather than in this library.
// eslint-disable-next-line @nx/enforce-module-boundaries
const infra = require('../../../../tools/infra');

function dockerAnswers() {
  const host = process.env.DOCKER_HOST;
  /** @type {http.RequestOptions} */
  let target;
  if (host && host.startsWith('tcp://')) {
    const u = new URL(host.replace('tcp://', 'http://'));
    target = { host: u.hostname, port: u.port };
  } else {
    const socketPath = host?.startsWith('unix://') ? host.slice(7) : '/var/run/docker.sock';
    if (!fs.existsSync(socketPath)) return Promise.resolve(false);
    target = { socketPath };
  }
  return new Promise((resolve) => {
    const req = http.get({ ...target, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/**
 * The embedded FerretDB: over PostgreSQL when FERRETDB_POSTGRESQL_URL names one, else over a database
 * of this run's own in the local PostgreSQL when it answers (much faster than SQLite), else over
 * SQLite files in a temporary folder. Whatever it made is undone by the returned stops.
 * @param {(m: string) => void} log
 * @param {Array<() => Promise<unknown>>} stops
 */
async function embeddedDatabase(log, stops) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-test-ferretdb-'));
  stops.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  let postgresqlUrl = process.env.FERRETDB_POSTGRESQL_URL;
  let backend = postgresqlUrl ? 'PostgreSQL at FERRETDB_POSTGRESQL_URL' : 'SQLite';
  if (!postgresqlUrl) {
    const pg = await infra.createLocalPostgresDatabase(`pos_test_${Date.now().toString(36)}_${process.pid}`, log);
    if (pg) {
      stops.push(pg.drop);
      postgresqlUrl = pg.url;
      backend = 'PostgreSQL';
    }
  }
  const db = await infra.startEmbeddedMongo({ dir, postgresqlUrl, log });
  stops.push(db.stop);
  return { uri: db.uri, source: `database: embedded FerretDB (${backend})` };
}

module.exports = async function globalSetup() {
  if (process.env.POS_TEST_MONGODB_URI && process.env.POS_TEST_AMQP_URL) return; // another project set it up
  /** @type {Array<() => Promise<unknown>>} */
  const stops = [];
  // The teardown runs them in reverse; a setup that fails part-way runs them itself, so nothing it
  // started keeps jest from exiting.
  /** @type {any} */ (globalThis).__POS_TEST_INFRA_STOPS__ = stops;
  try {
    await setUp(stops);
  } catch (err) {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    throw err;
  }
};

/** @param {Array<() => Promise<unknown>>} stops */
async function setUp(stops) {
  const log = (/** @type {string} */ m) => process.stderr.write(`[test-infra] ${m}\n`);
  const sources = [];
  const docker = !(process.env.MONGODB_URI && process.env.AMQP_URL) && (await dockerAnswers());

  let mongoUri = process.env.MONGODB_URI;
  if (mongoUri) sources.push('database: MONGODB_URI');
  else if (docker) {
    const { MongoDBContainer } = require('@testcontainers/mongodb');
    const c = await new MongoDBContainer('mongo:7').start();
    stops.push(() => c.stop());
    mongoUri = `${c.getConnectionString()}/?directConnection=true`;
    sources.push('database: testcontainers mongo:7');
  } else {
    const db = await embeddedDatabase(log, stops);
    mongoUri = db.uri;
    sources.push(db.source);
  }

  let amqpUrl = process.env.AMQP_URL;
  if (amqpUrl) sources.push('broker: AMQP_URL');
  else if (docker) {
    const { RabbitMQContainer } = require('@testcontainers/rabbitmq');
    const c = await new RabbitMQContainer('rabbitmq:3.13-alpine').start();
    stops.push(() => c.stop());
    amqpUrl = c.getAmqpUrl();
    sources.push('broker: testcontainers rabbitmq:3.13');
  } else {
    const broker = await infra.resolveBroker({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'pos-test-rabbit-')), log });
    stops.push(broker.stop);
    amqpUrl = broker.url;
    sources.push(`broker: ${broker.source}`);
  }

  process.env.POS_TEST_MONGODB_URI = mongoUri;
  process.env.POS_TEST_AMQP_URL = amqpUrl;
  process.env.POS_TEST_INFRA = sources.join(', ');
  log(`${sources.join('; ')} (${infra.redactUrl(mongoUri)}, ${infra.redactUrl(amqpUrl)})`);
}
