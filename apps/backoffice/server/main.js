#!/usr/bin/env node
// @ts-check
/**
 * Serves the back office (the bundle in dist/apps/backoffice) and forwards /api/* to the customers
 * service, so the page and the API share one origin: no CORS, and the API key never leaves the
 * browser except in the Authorization header of same-origin requests.
 *
 *   BACKOFFICE_PORT     port to listen on (default 3003)
 *   CUSTOMERS_URL       the customers service (default http://127.0.0.1:$CUSTOMERS_PORT, 3000)
 *   BACKOFFICE_STATIC   the built page (default dist/apps/backoffice beside the repository root)
 *
 * One addition to plain forwarding: a browser's fetch cannot read a redirect's body, so a request
 * carrying `X-No-Redirect: 1` gets a 3xx answered as 200 with its body and `X-Location` (the page
 * uses it for GET /api/xero/connect, which answers 302 to Xero's authorize page with {url}).
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PORT = Number(process.env.BACKOFFICE_PORT ?? 3003);
const CUSTOMERS = new URL(process.env.CUSTOMERS_URL ?? `http://127.0.0.1:${process.env.CUSTOMERS_PORT ?? 3000}`);
const STATIC = path.resolve(process.env.BACKOFFICE_STATIC ?? path.join(ROOT, 'dist', 'apps', 'backoffice'));

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error('BACKOFFICE_PORT must be a port number (1-65535)');
  process.exit(1);
}
if (!fs.existsSync(path.join(STATIC, 'index.html'))) {
  console.error(`no built page in ${STATIC}: run \`npx nx build backoffice\` (or set BACKOFFICE_STATIC)`);
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
function proxy(req, res) {
  const headers = { ...req.headers, host: CUSTOMERS.host };
  for (const h of HOP_BY_HOP) delete headers[h];
  const noRedirect = req.headers['x-no-redirect'] === '1';
  const upstream = http.request(
    { hostname: CUSTOMERS.hostname, port: CUSTOMERS.port, method: req.method, path: req.url, headers },
    (up) => {
      const out = { ...up.headers };
      for (const h of HOP_BY_HOP) delete out[h];
      let status = up.statusCode ?? 502;
      if (noRedirect && status >= 300 && status < 400 && out.location) {
        out['x-location'] = out.location;
        delete out.location;
        status = 200;
      }
      res.writeHead(status, out);
      up.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: 'the customers service does not answer' }));
  });
  req.pipe(upstream);
}

/** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
function serveStatic(req, res) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return res.end();
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  let file = path.join(STATIC, path.normalize(pathname));
  if (!file.startsWith(STATIC)) file = path.join(STATIC, 'index.html');
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(STATIC, 'index.html');
  const type = TYPES[/** @type {keyof typeof TYPES} */ (path.extname(file))] ?? 'application/octet-stream';
  const hashed = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': type,
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(type.startsWith('text/html')
      ? { 'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'" }
      : {}),
  });
  if (req.method === 'HEAD') return res.end();
  fs.createReadStream(file).pipe(res);
}

const server = http.createServer((req, res) => {
  const url = req.url ?? '/';
  if (url === '/health/live') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end('{"status":"ok"}');
  }
  if (url === '/api' || url.startsWith('/api/')) return proxy(req, res);
  serveStatic(req, res);
});

server.listen(PORT, '127.0.0.1', () => {
  console.log(JSON.stringify({ level: 'info', msg: `back office on http://127.0.0.1:${PORT}, /api → ${CUSTOMERS.origin}` }));
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
