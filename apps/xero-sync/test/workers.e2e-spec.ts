import { AmqpClient } from '@pos/messaging';
import { CustomerChanged, CustomerSyncSucceeded, EVENTS_EXCHANGE, buildEvent } from '@pos/sync-contracts';
import { RunningService, eventually, startService, testInfra, uniqueName } from '@pos/testing';
import * as amqp from 'amqplib';
import { consentThroughSandbox, freePort } from './support/connect-flow';
import { SandboxProcess, startSandbox } from './support/sandbox-process';

jest.setTimeout(180_000);

const SECRET = 'state-secret-for-the-workers-spec';

/**
 * Two xero-sync processes (the built app, as production runs it) on one broker and database: one
 * pushes the tenant (the lease), and `kill -9` of that one mid-batch loses nothing and duplicates
 * nothing: the other takes the lease over and every customer ends with exactly one contact.
 */
describe('two workers, the one pushing killed mid-batch', () => {
  const infra = testInfra();
  const dbName = uniqueName('xero_sync');
  const prefix = `${uniqueName('workers')}.`;
  const retailerId = uniqueName('retailer');
  let sandbox: SandboxProcess;
  const workers: RunningService[] = [];
  let publisher: AmqpClient;
  let events: amqp.ChannelModel;
  const succeeded = new Set<string>();

  beforeAll(async () => {
    sandbox = await startSandbox();
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      workers.push(
        await startService(
          'xero-sync',
          {
            MONGODB_URI: infra.mongoUri,
            AMQP_URL: infra.amqpUrl,
            XERO_SYNC_DB_NAME: dbName,
            XERO_SYNC_PORT: String(port),
            XERO_SYNC_HOST: '127.0.0.1',
            QUEUE_PREFIX: prefix,
            QUEUE_EXPIRES_MS: '60000',
            LOG_LEVEL: 'warn',
            XERO_API_URL: sandbox.url,
            XERO_REDIRECT_URI: `http://127.0.0.1:${ports[0]}/xero/callback`,
            OAUTH_STATE_SECRET: SECRET,
            TOKEN_ENCRYPTION_KEY: 'token-key-for-the-workers-spec',
            PUSH_POLL_MS: '100',
            XERO_TIMEOUT_MS: '10000',
          },
          { port, timeoutMs: 60_000 },
        ),
      );
    }
    publisher = new AmqpClient({ url: infra.amqpUrl, connectionName: 'workers-spec' });
    await publisher.start();
    events = await amqp.connect(infra.amqpUrl);
    const ch = await events.createChannel();
    const q = await ch.assertQueue('', { exclusive: true });
    await ch.bindQueue(q.queue, EVENTS_EXCHANGE, CustomerSyncSucceeded.routingKey);
    await ch.consume(
      q.queue,
      (m) => {
        const e = m && JSON.parse(m.content.toString());
        if (e?.retailerId === retailerId) succeeded.add(e.customerId);
      },
      { noAck: true },
    );
  });

  afterAll(async () => {
    await events?.close();
    await publisher?.close();
    for (const w of workers) await w.stop();
    await sandbox?.stop();
  });

  const leased = async (w: RunningService) => {
    const text = await (await fetch(`${w.url}/metrics`)).text();
    return Number(/^xero_sync_tenants_leased\{[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
  };

  it('loses nothing and duplicates nothing', async () => {
    const org = await sandbox.admin<{ tenantId: string }>('POST', '/sandbox/organisations', { name: 'Workers Spec Ltd' });
    const res = await consentThroughSandbox({ sandboxUrl: sandbox.url, syncUrl: workers[0].url, stateSecret: SECRET, retailerId, tenantId: org.tenantId });
    expect(res.status).toBe(302);
    const holder = await eventually(async () => (await Promise.all(workers.map(leased))).findIndex((n) => n === 1) + 1 || undefined, {
      what: 'a worker holding the tenant',
    });
    // slow Xero down so that the kill lands while batches are on their way
    await sandbox.admin('PUT', '/sandbox/faults', { tenantId: org.tenantId, latencyMs: 700 });

    const ids = Array.from({ length: 120 }, () => uniqueName('c'));
    for (const id of ids) {
      const e = buildEvent(CustomerChanged, retailerId, {
        customerId: id,
        customerVersion: 1,
        reason: 'on_account_sale',
        changedFields: [],
        snapshot: { id, firstName: 'Ada', lastName: `Lovelace ${id}` },
      });
      await publisher.publish(CustomerChanged.routingKey, e, { messageId: e.eventId });
    }
    await eventually(() => succeeded.size > 0 || undefined, { what: 'the first customer synced', timeoutMs: 60_000 });
    const killed = workers[holder - 1];
    await killed.kill(); // kill -9, mid-batch
    const survivor = workers[2 - holder];

    await eventually(async () => (await leased(survivor)) === 1 || undefined, { what: 'the survivor taking the lease over', timeoutMs: 60_000 });
    await sandbox.admin('DELETE', '/sandbox/faults');
    await eventually(() => ids.every((id) => succeeded.has(id)) || undefined, { what: 'every customer synced', timeoutMs: 120_000 });

    const contacts = await sandbox.admin<{ ContactNumber?: string }[]>('GET', `/sandbox/organisations/${org.tenantId}/contacts`);
    for (const id of ids) expect(contacts.filter((c) => c.ContactNumber === id)).toHaveLength(1);
  });
});
