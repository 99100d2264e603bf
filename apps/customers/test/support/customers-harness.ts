import { INestApplication } from '@nestjs/common';
import { eventually, mongoUriFor, testInfra, uniqueName } from '@pos/testing';
import mongoose from 'mongoose';
import request from 'supertest';
import { createCustomersApp } from '../../src/app/create-app';
import { CustomersConfig, loadCustomersConfig } from '../../src/config/customers.config';
import { OutboxRelay } from '../../src/outbox/outbox.relay';
import { deleteQueues, waitForConsumer } from './broker';

/** One customers service, in process, on the run's real database and broker. */
export interface CustomersInstance {
  app: INestApplication;
  url: string;
  config: CustomersConfig;
  relay: OutboxRelay;
  close(): Promise<void>;
}

export interface SuiteOptions {
  /** Extra or overriding environment variables. */
  env?: Record<string, string>;
}

/**
 * What an end-to-end suite needs: its own database and queue prefix, an admin token, one or more
 * service instances built exactly as main.ts builds them, and a direct database connection for
 * looking at (or, to stage a crash, editing) what the service stored.
 */
export class CustomersSuite {
  readonly dbName = uniqueName('customers_e2e');
  readonly queuePrefix = `${uniqueName('cust_e2e')}.`;
  readonly adminToken = `admin-${uniqueName('token')}`;
  readonly oauthStateSecret = `state-secret-${uniqueName('s')}`;
  readonly infra = testInfra();
  private readonly instances: CustomersInstance[] = [];
  private conn?: mongoose.Connection;

  constructor(private readonly opts: SuiteOptions = {}) {}

  config(env: Record<string, string> = {}): CustomersConfig {
    return loadCustomersConfig({
      MONGODB_URI: this.infra.mongoUri,
      CUSTOMERS_DB_NAME: this.dbName,
      AMQP_URL: this.infra.amqpUrl,
      ADMIN_TOKEN: this.adminToken,
      OAUTH_STATE_SECRET: this.oauthStateSecret,
      LOG_LEVEL: 'silent',
      OUTBOX_POLL_MS: '50',
      QUEUE_PREFIX: this.queuePrefix,
      NODE_ENV: 'test',
      ...this.opts.env,
      ...env,
    });
  }

  /** Starts an instance; several instances of one suite share its database and queues. */
  async start(env: Record<string, string> = {}, opts: { waitForBroker?: boolean } = {}): Promise<CustomersInstance> {
    const config = this.config(env);
    const app = await createCustomersApp(config);
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    let closed = false;
    const instance: CustomersInstance = {
      app,
      url,
      config,
      relay: app.get(OutboxRelay),
      close: async () => {
        if (closed) return;
        closed = true;
        await app.close();
      },
    };
    this.instances.push(instance);
    if (opts.waitForBroker !== false) await waitForConsumer(this.infra.amqpUrl, `${this.queuePrefix}customers.xero-status`);
    return instance;
  }

  /** The suite's database, read and written directly (never through the service). */
  async db(): Promise<mongoose.Connection> {
    this.conn ??= await mongoose.createConnection(mongoUriFor(this.dbName, this.infra.mongoUri)).asPromise();
    return this.conn;
  }

  async customersCollection() {
    return (await this.db()).collection<Record<string, unknown> & { _id: string }>('customers');
  }

  /** Creates a retailer through the admin API. */
  async retailer(url: string, name = 'Test Shop'): Promise<Retailer> {
    const res = await request(url).post('/api/retailers').set('authorization', `Bearer ${this.adminToken}`).send({ name });
    if (res.status !== 201) throw new Error(`creating a retailer answered ${res.status}: ${JSON.stringify(res.body)}`);
    return new Retailer(url, res.body.id, res.body.name, res.body.apiKey);
  }

  async close(): Promise<void> {
    for (const i of this.instances.reverse()) await i.close();
    if (this.conn) {
      await this.conn.dropDatabase().catch(() => undefined);
      await this.conn.useDb(`${this.dbName}_locks`).dropDatabase().catch(() => undefined);
      await this.conn.close();
    }
    await deleteQueues(this.infra.amqpUrl, [`${this.queuePrefix}customers.xero-status`]);
  }
}

/** A retailer and its API key: every call it makes is authenticated as it. */
export class Retailer {
  constructor(
    readonly url: string,
    readonly id: string,
    readonly name: string,
    readonly apiKey: string,
  ) {}

  /** The same retailer talking to another instance of the service. */
  on(url: string): Retailer {
    return new Retailer(url, this.id, this.name, this.apiKey);
  }

  get(path: string) {
    return request(this.url).get(path).set('authorization', `Bearer ${this.apiKey}`);
  }
  post(path: string, body?: unknown) {
    const r = request(this.url).post(path).set('authorization', `Bearer ${this.apiKey}`);
    return body === undefined ? r : r.send(body as object);
  }
  patch(path: string, body?: unknown) {
    const r = request(this.url).patch(path).set('authorization', `Bearer ${this.apiKey}`);
    return body === undefined ? r : r.send(body as object);
  }
  delete(path: string) {
    return request(this.url).delete(path).set('authorization', `Bearer ${this.apiKey}`);
  }

  /** Creates a customer and returns its response body; fails the test on anything but 201. */
  async createCustomer(fields: Record<string, unknown>): Promise<CustomerBody> {
    const res = await this.post('/api/customers', fields);
    if (res.status !== 201) throw new Error(`create answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async updateCustomer(id: string, patch: Record<string, unknown>): Promise<CustomerBody> {
    const res = await this.patch(`/api/customers/${id}`, patch);
    if (res.status !== 200) throw new Error(`update answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async xero(id: string): Promise<XeroBody> {
    const res = await this.get(`/api/customers/${id}/xero`);
    if (res.status !== 200) throw new Error(`GET xero answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Waits until the customer's Xero view satisfies `accept`. */
  xeroWhen(id: string, accept: (x: XeroBody) => boolean, what: string): Promise<XeroBody> {
    return eventually(
      async () => {
        const x = await this.xero(id);
        return accept(x) ? x : undefined;
      },
      { what, timeoutMs: 10_000, intervalMs: 50 },
    );
  }
}

export interface CustomerBody {
  id: string;
  version: number;
  xeroStatus: string;
  [field: string]: unknown;
}

export interface XeroBody {
  customerId: string;
  version: number;
  status: string;
  contactId: string | null;
  viewUrl: string | null;
  pendingFields: string[];
  lastError: { kind: string; message: string; version: number } | null;
  drift: Record<string, { pos: unknown; xero: unknown }> | null;
  connection: { status: string; organisationName: string | null };
  history: { at: string; version: number; fields: string[]; outcome: string; error?: string }[];
}
