// @ts-check
/**
 * Jest global setup shared by every project: decides once per run where the database and the
 * broker come from, says which it used, and hands the URLs to the test workers through the
 * environment. Order: MONGODB_URI / AMQP_URL when set; else testcontainers when a Docker engine
 * answers; else the embedded FerretDB and the local (or a private) RabbitMQ. Never skips: no
 * infrastructure is an error.
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

async function setUp() {
  if (process.env.POS_TEST_MONGODB_URI && process.env.POS_TEST_AMQP_URL) return; // another project set it up
  const log = (/** @type {string} */ m) => process.stderr.write(`[test-infra] ${m}\n`);
  /** @type {Array<() => Promise<unknown>>} */
  const stops = [];
  /** @type {any} */ (globalThis).__POS_TEST_INFRA_STOPS__ = stops; // at once: a failed set-up stops what it started
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
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pos-test-ferretdb-'));
    const db = await infra.startEmbeddedMongo({ dir, log });
    stops.push(async () => {
      await db.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    mongoUri = db.uri;
    sources.push('database: embedded FerretDB (SQLite)');
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

// Jest runs no teardown when the set-up throws: stop what was started (else a FerretDB is left running).
module.exports = async function globalSetup() {
  try {
    await setUp();
  } catch (err) {
    await require('./global-teardown').stopInfra();
    throw err;
  }
};
