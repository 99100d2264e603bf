import { BadRequestException, Body, Controller, Get, INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { AmqpClient } from '@pos/messaging';
import { eventually, testInfra, uniqueName } from '@pos/testing';
import { IsEmail, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import pino from 'pino';
import { Writable } from 'node:stream';
import request from 'supertest';
import { AmqpModule } from './amqp.module';
import { ErrorMapper, errorBody } from './http/error-body';
import { ServiceKitModule } from './service-kit.module';
import { configureServiceApp } from './service-app';
import { RequestContext } from './request-context';

/** A rule broken in some domain: a plain class, as domain and storage errors are. */
class OutOfStock {
  constructor(readonly sku: string) {}
}
const outOfStock: ErrorMapper = (e) => (e instanceof OutOfStock ? { body: errorBody(409, `${e.sku} is out of stock`, { sku: e.sku }), headers: { 'Retry-After': '30' } } : undefined);

class Address {
  @IsString() city!: string;
}
class Order {
  @IsEmail() email!: string;
  @IsInt() @Min(1) quantity!: number;
  @ValidateNested() @Type(() => Address) address!: Address;
}

@Controller('orders')
class OrdersController {
  @Post()
  place(@Body() o: Order) {
    return { ...o, correlationId: RequestContext.correlationId() };
  }
  @Get('out-of-stock')
  sold() {
    throw new OutOfStock('sku-1');
  }
  @Get('bad')
  bad() {
    throw new BadRequestException('no such thing');
  }
  @Get('crash')
  crash() {
    throw new Error('the disk is on fire');
  }
}

/** One service built from the kit, on the run's real database and broker. */
async function startService(logLines: string[]): Promise<{ app: INestApplication; url: string }> {
  const infra = testInfra();
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  @Module({
    imports: [
      MongooseModule.forRoot(infra.mongoUri, { dbName: uniqueName('kit'), serverSelectionTimeoutMS: 5000 }),
      AmqpModule.forRoot({ url: infra.amqpUrl, connectionName: 'service-kit-spec' }),
      ServiceKitModule.forRoot({ logger, errorMappers: [outOfStock] }),
    ],
    controllers: [OrdersController],
  })
  class SpecModule {}
  const app = await NestFactory.create(SpecModule, { logger: false });
  configureServiceApp(app, { title: 'kit spec' });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url };
}

describe('the service kit', () => {
  const lines: string[] = [];
  let svc: { app: INestApplication; url: string };

  beforeAll(async () => {
    svc = await startService(lines);
    const amqp = svc.app.get(AmqpClient);
    await eventually(() => amqp.isConnected(), { what: 'the broker connection' });
  });
  afterAll(() => svc?.app.close());

  it('answers bad input with 400 naming each field, nested ones by their path', async () => {
    const r = await request(svc.url).post('/orders').send({ email: 'not-an-email', quantity: 0, address: { city: 5 }, extra: true });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(r.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['address.city', 'email', 'extra', 'quantity']);
    expect(r.body.message).toContain('email must be an email');
  });

  it("maps a service's own error with its mapper, headers included", async () => {
    const r = await request(svc.url).get('/orders/out-of-stock');
    expect(r.status).toBe(409);
    expect(r.headers['retry-after']).toBe('30');
    expect(r.body).toEqual({ statusCode: 409, error: 'Conflict', message: 'sku-1 is out of stock', details: { sku: 'sku-1' } });
  });

  it('keeps the shape for HTTP exceptions, unknown routes and unexpected errors, saying nothing of the cause', async () => {
    expect((await request(svc.url).get('/orders/bad')).body).toEqual({ statusCode: 400, error: 'Bad Request', message: 'no such thing' });
    expect((await request(svc.url).get('/nowhere')).body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    const crash = await request(svc.url).get('/orders/crash');
    expect(crash.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  });

  it('runs a request in the correlation id it was given (or a new one), returns it and logs it', async () => {
    const r = await request(svc.url).post('/orders').set('X-Correlation-Id', 'till-3.order-9').send({ email: 'a@b.co', quantity: 2, address: { city: 'Akl' } });
    expect(r.status).toBe(201);
    expect(r.headers['x-correlation-id']).toBe('till-3.order-9');
    expect(r.body.correlationId).toBe('till-3.order-9');
    expect((await request(svc.url).get('/orders/bad')).headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    const logged = await eventually(() => lines.map((l) => JSON.parse(l)).find((l) => l.correlationId === 'till-3.order-9'), { what: 'the request log line' });
    expect(logged).toMatchObject({ msg: 'request', req: { method: 'POST', url: '/orders' }, res: { statusCode: 201 } });
    expect(JSON.stringify(logged)).not.toContain('headers');
  });

  it('is ready when the database answers and the broker is connected', async () => {
    expect((await request(svc.url).get('/health/live')).body).toEqual({ status: 'ok' });
    const r = await request(svc.url).get('/health/ready');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ok', checks: { database: 'up', broker: 'up' } });
  });

  it('counts requests by route in /metrics, with Node defaults', async () => {
    await request(svc.url).get('/orders/bad');
    const text = (await request(svc.url).get('/metrics')).text;
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/orders\/bad",status="400"\} \d+/);
    expect(text).toContain('http_request_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('is not ready, naming the failing check, once the broker connection is gone', async () => {
    await svc.app.get(AmqpClient).close();
    const r = await request(svc.url).get('/health/ready');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: 'not ready', details: { database: 'up', broker: 'down' } });
  });
});
