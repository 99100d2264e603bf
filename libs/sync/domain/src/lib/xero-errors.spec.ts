import { backoffMs, classifyReply, elementError } from './xero-errors';

const NOW = new Date('2026-01-01T00:00:00.000Z');

describe('elementError', () => {
  it('a name used by another active contact is name_taken with a hint on how to fix it', () => {
    const e = elementError(
      { ValidationErrors: [{ Message: 'The contact name Ada Lovelace is already assigned to another contact. The contact name must be unique across all active contacts.' }] },
      'Ada Lovelace',
    );
    expect(e).toMatchObject({ kind: 'name_taken', retry: 'never' });
    expect(e.hint).toContain('"Ada Lovelace"');
    expect(e.hint).toMatch(/different name|rename/);
  });

  it('an archived contact says how to restore it', () => {
    expect(elementError({ ContactStatus: 'ARCHIVED', ValidationErrors: [{ Message: 'contact is archived' }] })).toMatchObject({
      kind: 'archived',
      hint: expect.stringContaining('Restore'),
    });
  });

  it('anything else is a validation failure carrying Xero\'s messages', () => {
    expect(elementError({ ValidationErrors: [{ Message: 'Email address must be valid.' }, { Message: 'x' }] })).toEqual({
      kind: 'validation',
      message: 'Email address must be valid.; x',
      retry: 'never',
    });
  });
});

describe('classifyReply', () => {
  it('timeouts and network errors retry the same request; a 5xx (replayed for its key) is re-checked and sent anew', () => {
    expect(classifyReply({ status: 503 }, NOW)).toMatchObject({ kind: 'unavailable', retry: 'recheck' });
    expect(classifyReply({ status: 500 }, NOW)).toMatchObject({ kind: 'unavailable', retry: 'recheck' });
    expect(classifyReply({ networkError: 'timeout after 30000 ms' }, NOW)).toMatchObject({ kind: 'unavailable', retry: 'same_request' });
  });

  it('429 minute waits Retry-After and retries the same request', () => {
    const e = classifyReply({ status: 429, headers: { 'Retry-After': '7', 'X-Rate-Limit-Problem': 'minute' } }, NOW);
    expect(e).toMatchObject({ kind: 'rate_limited', retry: 'same_request', retryAt: '2026-01-01T00:00:07.000Z' });
  });

  it('429 day makes the tenant rate_limited until the reset', () => {
    const e = classifyReply({ status: 429, headers: { 'retry-after': '3600', 'x-rate-limit-problem': 'day' } }, NOW);
    expect(e).toMatchObject({ kind: 'rate_limited', retry: 'later', retryAt: '2026-01-01T01:00:00.000Z' });
  });

  it('429 concurrent backs off briefly', () => {
    const e = classifyReply({ status: 429, headers: { 'x-rate-limit-problem': 'concurrent' } }, NOW);
    expect(e.retry).toBe('same_request');
    expect(Date.parse(e.retryAt ?? '') - NOW.getTime()).toBeLessThan(5000);
  });

  it('401 asks for a refresh; 403 means the organisation is no longer connected', () => {
    expect(classifyReply({ status: 401, body: { Detail: 'TokenExpired: token expired at ...' } }, NOW)).toMatchObject({ kind: 'auth', retry: 'refresh' });
    expect(classifyReply({ status: 403 }, NOW)).toMatchObject({ kind: 'not_connected', retry: 'later' });
  });

  it('a summarised 400 ValidationException reads the first element', () => {
    const body = { ErrorNumber: 10, Type: 'ValidationException', Elements: [{ ValidationErrors: [{ Message: 'The contact name X is already assigned to another contact.' }] }] };
    expect(classifyReply({ status: 400, body }, NOW).kind).toBe('name_taken');
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter and is capped', () => {
    expect(backoffMs(0, 0)).toBe(125);
    expect(backoffMs(0, 0.999)).toBeLessThanOrEqual(250);
    expect(backoffMs(3, 0.5)).toBe(1500);
    expect(backoffMs(20, 0.999)).toBeLessThanOrEqual(30_000);
  });
});
