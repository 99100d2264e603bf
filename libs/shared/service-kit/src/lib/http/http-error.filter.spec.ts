import { ArgumentsHost } from '@nestjs/common';
import { Observable, firstValueFrom } from 'rxjs';
import { StorageBusy } from '@pos/persistence';
import { HttpErrorFilter } from './http-error.filter';

describe('HttpErrorFilter outside HTTP', () => {
  it("hands a message handler's error back to the transport unchanged (it retries or dead-letters)", async () => {
    const failure = new Error('the ledger write failed');
    const rpc = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const out = new HttpErrorFilter().catch(failure, rpc);
    expect(out).toBeInstanceOf(Observable);
    await expect(firstValueFrom(out as Observable<never>)).rejects.toBe(failure);
  });
});

/** Storage errors are plain classes; this filter is where one becomes an HTTP answer. */
describe('HttpErrorFilter over HTTP', () => {
  function answer(exception: unknown) {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const res = {
      setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
      status: (s: number) => ((sent.status = s), res),
      json: (b: unknown) => (sent.body = b),
    };
    const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
    const filter = new HttpErrorFilter();
    (filter as unknown as { logger: { error: () => void } }).logger = { error: () => undefined };
    filter.catch(exception, host);
    return sent;
  }

  it('busy storage is 503 with Retry-After: nothing was written, try again shortly', () => {
    const sent = answer(new StorageBusy('customers:c-1', 'another writer holds it'));
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('1');
    expect(sent.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable', message: expect.stringContaining('try again') });
  });

  it('other failures carry no Retry-After and say nothing of the cause', () => {
    const sent = answer(new Error('boom'));
    expect(sent.status).toBe(500);
    expect(sent.headers).toEqual({});
    expect(sent.body).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
  });
});
