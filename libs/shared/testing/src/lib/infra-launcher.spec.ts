import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';

// The launcher behind `npm start` and this harness (plain JS in tools/ so both can use it).
// eslint-disable-next-line @nx/enforce-module-boundaries, @typescript-eslint/no-require-imports
const infra = require('../../../../../tools/infra');

describe('infrastructure launcher', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pos-launcher-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function countIn(uri: string): Promise<number> {
    const conn = await mongoose.createConnection(`${uri}/launcher`).asPromise();
    try {
      return await conn.collection('things').countDocuments();
    } finally {
      await conn.close();
    }
  }

  it('runs the embedded FerretDB, keeps its data across a restart, and starts clean with fresh', async () => {
    const data = path.join(dir, 'ferretdb');
    let db = await infra.startEmbeddedMongo({ dir: data });
    const conn = await mongoose.createConnection(`${db.uri}/launcher`).asPromise();
    await conn.collection('things').insertMany([{ _id: 'a' as never }, { _id: 'b' as never }]);
    await conn.close();
    await db.stop();

    db = await infra.startEmbeddedMongo({ dir: data });
    expect(await countIn(db.uri)).toBe(2);
    await db.stop();

    db = await infra.startEmbeddedMongo({ dir: data, fresh: true });
    expect(await countIn(db.uri)).toBe(0);
    await db.stop();
  });

  it('starts a private RabbitMQ node with its own port and data folder when no broker answers', async () => {
    const node = await infra.startPrivateRabbit({ dir: path.join(dir, 'rabbitmq') });
    try {
      expect(node.url).toMatch(/^amqp:\/\/guest:guest@127\.0\.0\.1:\d+$/);
      expect(node.url).not.toContain(':5672');
      expect(await infra.amqpAnswers(node.url)).toBe(true);
    } finally {
      await node.stop();
    }
    expect(await infra.amqpAnswers(node.url, 1000)).toBe(false);
  });

  it('prefers AMQP_URL, then the local broker', async () => {
    const given = await infra.resolveBroker({ dir, env: { AMQP_URL: 'amqp://u:p@example.invalid:5672' } });
    expect(given).toMatchObject({ url: 'amqp://u:p@example.invalid:5672', source: 'AMQP_URL' });
    if (await infra.amqpAnswers(infra.DEFAULT_AMQP_URL)) {
      expect(await infra.resolveBroker({ dir, env: {} })).toMatchObject({ source: 'local broker' });
    }
  });
});
