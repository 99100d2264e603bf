import { INestApplication } from '@nestjs/common';
import { AmqpClient } from '@pos/messaging';
import { EVENTS_EXCHANGE, XeroConnectionChanged, signOAuthState } from '@pos/sync-contracts';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import mongoose from 'mongoose';
import { createXeroSyncApp } from '../src/app/create-app';
import { loadXeroSyncConfig } from '../src/config/xero-sync.config';
import { ConnectionsService } from '../src/connections/connections.service';
import { TokenCipher } from '../src/connections/token-cipher';
import { consentThroughSandbox, freePort } from './support/connect-flow';
import { SandboxProcess, startSandbox } from './support/sandbox-process';

const SECRET = 'state-secret-for-the-connect-spec';
const KEY = 'token-key-for-the-connect-spec';

/** Connecting a retailer through the real OAuth flow against the sandbox, and keeping its tokens fresh. */
describe('connecting a retailer to Xero', () => {
  const infra = testInfra();
  const dbName = uniqueName('xero_sync');
  const prefix = `${uniqueName('connect')}.`;
  let sandbox: SandboxProcess;
  const workers: INestApplication[] = [];
  let syncUrl: string;
  let db: mongoose.Connection;
  let events: amqp.ChannelModel;
  const received: Record<string, unknown>[] = [];

  async function worker(port = 0): Promise<INestApplication> {
    const config = loadXeroSyncConfig({
      MONGODB_URI: infra.mongoUri,
      AMQP_URL: infra.amqpUrl,
      XERO_SYNC_DB_NAME: dbName,
      QUEUE_PREFIX: prefix,
      QUEUE_EXPIRES_MS: '60000',
      LOG_LEVEL: 'silent',
      XERO_API_URL: sandbox.url,
      XERO_REDIRECT_URI: `http://127.0.0.1:${port}/xero/callback`,
      OAUTH_STATE_SECRET: SECRET,
      TOKEN_ENCRYPTION_KEY: KEY,
      PUSH_POLL_MS: '50',
    });
    const app = await createXeroSyncApp(config);
    await app.listen(port, '127.0.0.1');
    await eventually(() => app.get(AmqpClient).isConnected(), { what: 'the broker connection' });
    workers.push(app);
    return app;
  }

  beforeAll(async () => {
    sandbox = await startSandbox();
    const port = await freePort(); // the redirect URI must be known before the app listens
    await worker(port);
    syncUrl = `http://127.0.0.1:${port}`;
    db = await mongoose.createConnection(mongoUriFor(dbName)).asPromise();
    events = await amqp.connect(infra.amqpUrl);
    const ch = await events.createChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(q.queue, EVENTS_EXCHANGE, XeroConnectionChanged.routingKey);
    await ch.consume(q.queue, (m) => m && received.push(JSON.parse(m.content.toString())), { noAck: true });
  });

  afterAll(async () => {
    await events?.close();
    await db?.close();
    for (const w of workers) await w.close();
    await sandbox?.stop();
  });

  const consent = (retailerId: string, tenantId: string) =>
    consentThroughSandbox({ sandboxUrl: sandbox.url, syncUrl, stateSecret: SECRET, retailerId, tenantId });

  async function connectNew(name: string) {
    const org = await sandbox.admin<{ tenantId: string; shortCode: string }>('POST', '/sandbox/organisations', { name });
    const retailerId = uniqueName('retailer');
    const res = await consent(retailerId, org.tenantId);
    // the relay writes the document once more when it has published; let it finish before a test edits it
    await eventually(async () => ((await connection(retailerId))?.['outbox'] as unknown[] | undefined)?.length === 0, { what: 'the outbox emptied' });
    return { org, retailerId, res };
  }

  const connection = (retailerId: string) => db.collection('xero_connections').findOne({ _id: retailerId as never });

  it('exchanges the code, picks the organisation just granted, stores the tokens encrypted and announces it', async () => {
    await sandbox.admin('POST', '/sandbox/organisations', { name: 'Another Org Ltd' }); // granted before, or not at all
    const { org, retailerId, res } = await connectNew('Connect Spec Ltd');
    expect(res.status).toBe(302);
    const landing = await fetch(new URL(res.headers.get('location') ?? '', syncUrl));
    expect(await landing.text()).toContain('Connect Spec Ltd');

    const c = await connection(retailerId);
    expect(c).toMatchObject({ status: 'connected', tenantId: org.tenantId, organisationName: 'Connect Spec Ltd', shortCode: org.shortCode });
    expect(String(c?.['accessToken'])).toMatch(/^v1\./);
    expect(String(c?.['accessToken'])).not.toContain('eyJ'); // no JWT in clear

    const e = await eventually(() => received.find((x) => x['retailerId'] === retailerId), { what: 'xero.connection-changed.v1' });
    expect(e).toMatchObject({ status: 'connected', tenantId: org.tenantId, organisationName: 'Connect Spec Ltd', shortCode: org.shortCode });
  });

  it('answers a forged or expired state with a 4xx page that says so', async () => {
    const forged = await fetch(`${syncUrl}/xero/callback?code=x&state=${signOAuthState('r-1', 'not-the-secret')}`);
    expect(forged.status).toBe(400);
    expect(forged.headers.get('content-type')).toContain('text/html');
    expect(await forged.text()).toContain('not one this POS issued');
    const expired = await fetch(`${syncUrl}/xero/callback?code=x&state=${signOAuthState('r-1', SECRET, { now: new Date(Date.now() - 3_600_000) })}`);
    expect(expired.status).toBe(400);
    expect(await expired.text()).toContain('expired');
  });

  it('refreshes once when two workers need a fresh token at the same time, saving the rotated refresh token', async () => {
    const { retailerId } = await connectNew('Refresh Spec Ltd');
    const second = await worker();
    const before = await connection(retailerId);
    await db.collection('xero_connections').updateOne({ _id: retailerId as never }, { $set: { accessExpiresAt: new Date(Date.now() - 1000) } });
    await sandbox.admin('DELETE', '/sandbox/requests');

    const [a, b] = await Promise.all([workers[0], second].map((w) => w.get(ConnectionsService).access(retailerId)));
    expect(a.accessToken).toBe(b.accessToken);
    const log = await sandbox.admin<{ path: string; body: Record<string, string> }[]>('GET', '/sandbox/requests');
    const refreshes = log.filter((r) => r.path === '/connect/token' && r.body?.['grant_type'] === 'refresh_token');
    expect(refreshes).toHaveLength(1);

    const after = await connection(retailerId);
    const cipher = new TokenCipher(KEY);
    expect(cipher.decrypt(String(after?.['refreshToken']), retailerId)).not.toBe(cipher.decrypt(String(before?.['refreshToken']), retailerId));
    expect(cipher.decrypt(String(after?.['accessToken']), retailerId)).toBe(a.accessToken);
    // the new access token works against the API
    const orgs = await fetch(`${sandbox.url}/api.xro/2.0/Organisation`, {
      headers: { authorization: `Bearer ${a.accessToken}`, 'xero-tenant-id': String(after?.['tenantId']), accept: 'application/json' },
    });
    expect(orgs.status).toBe(200);
  });

  it('a revoked grant (invalid_grant on refresh) turns the connection expired and says so', async () => {
    const { retailerId } = await connectNew('Revoked Spec Ltd');
    const c = await connection(retailerId);
    const refreshToken = new TokenCipher(KEY).decrypt(String(c?.['refreshToken']), retailerId);
    const basic = Buffer.from('sandbox-client:sandbox-secret').toString('base64');
    const revoked = await fetch(`${sandbox.url}/connect/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    expect(revoked.status).toBe(200);
    await db.collection('xero_connections').updateOne({ _id: retailerId as never }, { $set: { accessExpiresAt: new Date(Date.now() - 1000) } });

    await expect(workers[0].get(ConnectionsService).access(retailerId)).rejects.toMatchObject({ status: 'expired' });
    expect(await connection(retailerId)).toMatchObject({ status: 'expired' });
    const e = await eventually(() => received.find((x) => x['retailerId'] === retailerId && x['status'] === 'expired'), { what: 'expired event' });
    expect(e).toMatchObject({ organisationName: 'Revoked Spec Ltd' });
  });
});
