import { FaultInjector } from './fault-injector';
import { RequestLog, redactHeaders } from './request-log';

describe('FaultInjector', () => {
  it('counts down deterministic faults and scopes them to a tenant', () => {
    const f = new FaultInjector(() => 0.99);
    f.set({
      tenantId: 't1',
      failNext: 1,
      errorStatus: 500,
      latencyMs: 50,
      force429Next: 1,
    });
    expect(f.beforeAdmission('t2')).toBeUndefined();
    expect(f.beforeAdmission('t1')).toEqual({
      problem: 'minute',
      retryAfterSec: 1,
    });
    expect(f.beforeAdmission('t1')).toBeUndefined();
    expect(f.afterAdmission('t1')).toEqual({
      error: 500,
      latencyMs: 50,
      hang: false,
      lostReply: false,
    });
    expect(f.afterAdmission('t1')).toEqual({
      latencyMs: 50,
      hang: false,
      lostReply: false,
    });
  });

  it('rolls rates with the injected random source and validates them', () => {
    const f = new FaultInjector(() => 0.1);
    f.set({ errorRate: 0.2 });
    expect(f.afterAdmission('t').error).toBe(503);
    f.set({ errorRate: 0.05 });
    expect(f.afterAdmission('t').error).toBeUndefined();
    expect(() => f.set({ hangRate: 2 })).toThrow();
    expect(() => f.set({ errorStatus: 502 as never })).toThrow();
  });
});

describe('RequestLog', () => {
  it('keeps a bounded log per tenant and masks credentials', () => {
    const log = new RequestLog(2);
    for (const id of [1, 2, 3]) {
      log.add({
        at: '',
        tenantId: 'a',
        method: 'GET',
        path: `/p${id}`,
        query: {},
        headers: {},
        body: undefined,
        status: 200,
      });
    }
    log.add({
      at: '',
      tenantId: 'b',
      method: 'POST',
      path: '/x',
      query: {},
      headers: {},
      body: {},
      status: 200,
    });
    expect(log.list({ tenantId: 'a' }).map((e) => e.path)).toEqual([
      '/p2',
      '/p3',
    ]);
    expect(log.list({ method: 'post' })).toHaveLength(1);
    expect(log.clear('a')).toBe(2);
    expect(
      redactHeaders({
        authorization: 'Bearer abcdefghijkl',
        'xero-tenant-id': 't',
      }),
    ).toEqual({
      authorization: 'Bearer …ghijkl',
      'xero-tenant-id': 't',
    });
  });
});
