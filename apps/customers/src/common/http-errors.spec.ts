import { ArgumentsHost } from '@nestjs/common';
import { StorageBusy } from '@pos/persistence';
import { HttpErrorFilter } from './http-errors';

/** Storage errors are plain classes; this filter is where one becomes an HTTP answer. */
describe('HttpErrorFilter', () => {
  function answer(exception: unknown) {
    const sent: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} };
    const res = {
      setHeader: (name: string, value: string) => (sent.headers[name.toLowerCase()] = value),
      status: (s: number) => ((sent.status = s), res),
      json: (b: unknown) => (sent.body = b),
    };
    const host = { switchToHttp: () => ({ getResponse: () => res }) } as unknown as ArgumentsHost;
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

  it('other failures carry no Retry-After', () => {
    const sent = answer(new Error('boom'));
    expect(sent.status).toBe(500);
    expect(sent.headers).toEqual({});
  });
});
