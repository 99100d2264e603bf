// @ts-check
/**
 * The local infrastructure launcher: where the database and the broker come from when the
 * environment does not name them. Used by `npm start` (tools/start.js) and by the test harness
 * (libs/shared/testing), so both pick infrastructure the same way.
 *
 * - MongoDB-compatible database: FerretDB 1.x embedded through its Go package (tools/ferretdb),
 *   built with `go build` on first use and reused after, storing in PostgreSQL when given a URL
 *   (FERRETDB_POSTGRESQL_URL; the tests also use the local PostgreSQL when it answers) and in SQLite
 *   files under a data folder otherwise.
 * - RabbitMQ: the local broker at amqp://guest:guest@127.0.0.1:5672 when it answers, else a private
 *   node of the installed rabbitmq-server with its own port and data folder.
 */
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FERRET_DIR = path.join(ROOT, 'tools', 'ferretdb');
const FERRET_BIN = path.join(FERRET_DIR, 'bin', 'ferretdb-embedded');
const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Builds the FerretDB launcher when it is missing or older than its sources. */
function ensureFerretBinary(log = (/** @type {string} */ _m) => undefined) {
  const sources = ['main.go', 'go.mod', 'go.sum'].map((f) => path.join(FERRET_DIR, f));
  const newestSource = Math.max(...sources.map((f) => fs.statSync(f).mtimeMs));
  if (fs.existsSync(FERRET_BIN) && fs.statSync(FERRET_BIN).mtimeMs >= newestSource) return FERRET_BIN;
  log(`building the embedded FerretDB launcher (go build, first use only)...`);
  try {
    execFileSync('go', ['build', '-o', FERRET_BIN, '.'], { cwd: FERRET_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (err) {
    throw new Error(
      `Could not build the embedded FerretDB in tools/ferretdb (${/** @type {Error} */ (err).message}). ` +
        `It needs Go 1.22+ and the Go module proxy; or set MONGODB_URI to a MongoDB 6+ server.`,
    );
  }
  return FERRET_BIN;
}

/**
 * Starts an embedded FerretDB and resolves once it listens.
 * @param {{dir: string, port?: number, fresh?: boolean, postgresqlUrl?: string, log?: (m: string) => void}} opts
 * @returns {Promise<{uri: string, pid: number, stop: () => Promise<void>}>}
 */
async function startEmbeddedMongo(opts) {
  const bin = ensureFerretBinary(opts.log);
  const args = ['-listen', `127.0.0.1:${opts.port ?? 0}`, '-dir', opts.dir];
  if (opts.fresh) args.push('-fresh');
  if (opts.postgresqlUrl) args.push('-postgresql-url', opts.postgresqlUrl);
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const uri = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`FerretDB did not start in 30 s: ${stderr}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /^ready (\S+)/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`FerretDB exited with code ${code}: ${stderr}`));
    });
  });
  child.stdout.resume();
  return {
    uri: String(uri).replace(/\/$/, ''),
    pid: /** @type {number} */ (child.pid),
    stop: () => stopProcess(child),
  };
}

/** @param {import('node:child_process').ChildProcess} child */
function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** True when an AMQP broker accepts a connection and a channel at `url` within the timeout. */
async function amqpAnswers(url, timeoutMs = 3000) {
  const amqp = require('amqplib');
  try {
    const conn = await amqp.connect(url, { timeout: timeoutMs });
    await conn.close();
    return true;
  } catch {
    return false;
  }
}

/** True when something accepts TCP connections at host:port within the timeout. */
function tcpAnswers(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const LOCAL_POSTGRES = { host: '127.0.0.1', port: 5432, user: 'postgres' };

/**
 * A database of its own in the local PostgreSQL (127.0.0.1:5432, user postgres, trust auth as a
 * developer machine or CI has it), made with the `psql` CLI; null when PostgreSQL does not answer or
 * psql is missing. `drop()` removes it (and ends its connections).
 * @param {string} name
 * @param {(m: string) => void} [log]
 * @returns {Promise<{url: string, drop: () => Promise<void>} | null>}
 */
async function createLocalPostgresDatabase(name, log = (/** @type {string} */ _m) => undefined) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain PostgreSQL database name: ${name}`);
  if (!(await tcpAnswers(LOCAL_POSTGRES.host, LOCAL_POSTGRES.port))) return null;
  const psql = which('psql');
  if (!psql) {
    log('PostgreSQL answers at 127.0.0.1:5432 but psql is not installed; using SQLite');
    return null;
  }
  const run = (/** @type {string} */ sql) =>
    execFileSync(psql, ['-h', LOCAL_POSTGRES.host, '-p', String(LOCAL_POSTGRES.port), '-U', LOCAL_POSTGRES.user, '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qtAc', sql], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      timeout: 30_000,
    });
  try {
    run(`CREATE DATABASE ${name}`);
  } catch (err) {
    log(`could not create PostgreSQL database ${name} (${/** @type {any} */ (err).stderr?.trim() || /** @type {Error} */ (err).message}); using SQLite`);
    return null;
  }
  return {
    url: `postgres://${LOCAL_POSTGRES.user}@${LOCAL_POSTGRES.host}:${LOCAL_POSTGRES.port}/${name}`,
    drop: async () => {
      try {
        run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } catch (err) {
        log(`could not drop PostgreSQL database ${name}: ${/** @type {Error} */ (err).message}`);
      }
    },
  };
}

/** Finds a free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = /** @type {net.AddressInfo} */ (srv.address()).port;
      srv.close(() => resolve(port));
    });
  });
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Starts a private RabbitMQ node (own node name, port and data folder) from the installed
 * rabbitmq-server. Used only when no broker answers.
 * @param {{dir: string, log?: (m: string) => void}} opts
 */
async function startPrivateRabbit(opts) {
  // Debian's /usr/sbin wrapper switches to the rabbitmq user and drops this process's settings;
  // the real script beside it runs the node as the current user.
  const server = [process.env.RABBITMQ_SERVER_BIN, '/usr/lib/rabbitmq/bin/rabbitmq-server', which('rabbitmq-server')].find(
    (p) => p && fs.existsSync(p),
  );
  if (!server) {
    throw new Error(
      'No RabbitMQ broker answers at AMQP_URL or amqp://guest:guest@127.0.0.1:5672, and rabbitmq-server is not ' +
        'installed. Install it (`apt-get install rabbitmq-server`), run `docker compose up -d rabbitmq`, or set AMQP_URL.',
    );
  }
  const port = await freePort();
  const distPort = await freePort();
  const name = `pos${port}@localhost`;
  fs.mkdirSync(opts.dir, { recursive: true });
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: name,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: path.join(opts.dir, 'mnesia'),
    RABBITMQ_LOG_BASE: path.join(opts.dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(opts.dir, 'enabled_plugins'),
    RABBITMQ_CONFIG_FILE: path.join(opts.dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: path.join(opts.dir, 'advanced.config'),
    HOME: opts.dir, // its own Erlang cookie
  };
  fs.writeFileSync(env.RABBITMQ_ENABLED_PLUGINS_FILE, '[].\n');
  fs.writeFileSync(`${env.RABBITMQ_CONFIG_FILE}.conf`, 'loopback_users = none\n');
  fs.writeFileSync(env.RABBITMQ_ADVANCED_CONFIG_FILE, '[].\n');
  opts.log?.(`starting a private RabbitMQ node ${name} on port ${port}...`);
  const child = spawn(server, [], { env, stdio: 'ignore', detached: false });
  const url = `amqp://guest:guest@127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rabbitmq-server exited with code ${child.exitCode}`);
    if (await amqpAnswers(url, 1000)) return { url, pid: /** @type {number} */ (child.pid), stop: () => stopProcess(child) };
    await new Promise((r) => setTimeout(r, 500));
  }
  await stopProcess(child);
  throw new Error('the private RabbitMQ node did not answer within 60 s');
}

/**
 * The broker: AMQP_URL when set, else the local default when it answers, else a private node.
 * @param {{dir: string, log?: (m: string) => void, env?: NodeJS.ProcessEnv}} opts
 * @returns {Promise<{url: string, source: string, stop: () => Promise<void>}>}
 */
async function resolveBroker(opts) {
  const env = opts.env ?? process.env;
  if (env.AMQP_URL) return { url: env.AMQP_URL, source: 'AMQP_URL', stop: async () => undefined };
  if (await amqpAnswers(DEFAULT_AMQP_URL)) return { url: DEFAULT_AMQP_URL, source: 'local broker', stop: async () => undefined };
  const node = await startPrivateRabbit(opts);
  return { url: node.url, source: 'private rabbitmq-server node', stop: node.stop };
}

/** Hides the password in a connection URL, for logs. */
function redactUrl(url) {
  return url.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}

module.exports = {
  ROOT,
  DEFAULT_AMQP_URL,
  ensureFerretBinary,
  startEmbeddedMongo,
  resolveBroker,
  startPrivateRabbit,
  amqpAnswers,
  tcpAnswers,
  createLocalPostgresDatabase,
  freePort,
  redactUrl,
};
