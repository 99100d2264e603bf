/** Starts the sandbox in-process for tests, with a manual clock and a xero-node client pointed at it. */
import { XeroClient } from 'xero-node';
import { ManualClock } from '../app/core/clock';
import { SandboxApp, createSandboxApp } from '../app/create-sandbox-app';
import { SandboxOptionsInput } from '../app/config/sandbox-options';
import { TokenResponse } from '../app/oauth/oauth-server';
import { Organisation } from '../app/organisations/organisation';
import { assertErrorReply, assertSchema } from './xero-schemas';

export interface Harness {
  sandbox: SandboxApp;
  url: string;
  clock: ManualClock;
  org: Organisation;
  tenantId: string;
  token: TokenResponse;
  xero: XeroClient;
  close(): Promise<void>;
}

export async function startHarness(
  options: SandboxOptionsInput = {},
): Promise<Harness> {
  const clock =
    options.clock instanceof ManualClock ? options.clock : new ManualClock();
  // Generous limits unless a test asks for Xero's: the manual clock never lets the minute window roll over.
  const limits = {
    perMinute: 100_000,
    perDay: 1_000_000,
    appPerMinute: 1_000_000,
    concurrent: 50,
    ...options.limits,
  };
  const sandbox = await createSandboxApp({
    seedDemo: false,
    logger: false,
    ...options,
    limits,
    clock,
  });
  const url = await sandbox.listen(0, '127.0.0.1');
  const org = sandbox.runtime.createOrganisation({
    name: 'Harness Trading Ltd',
    shortCode: '!aB3cD',
  });
  const token = sandbox.runtime.oauth.issueDirect({
    tenantIds: [org.tenantId],
  });
  const xero = await xeroClient(url, token);
  return {
    sandbox,
    url,
    clock,
    org,
    tenantId: org.tenantId,
    token,
    xero,
    close: () => sandbox.close(),
  };
}

/** A real xero-node client whose Accounting API is the sandbox. */
export async function xeroClient(
  url: string,
  token: TokenResponse,
): Promise<XeroClient> {
  const xero = new XeroClient();
  xero.accountingApi.basePath = `${url}/api.xro/2.0`;
  await xero.setTokenSet({ ...token });
  return xero;
}

export interface CallResult<M = unknown> {
  ok: boolean;
  status: number;
  /** The JSON body exactly as the sandbox sent it. */
  raw: unknown;
  headers: Record<string, string>;
  /** xero-node's deserialised model (success only). */
  model?: M;
}

interface XeroNodeRejection {
  response: {
    statusCode: number;
    body: unknown;
    headers: Record<string, string>;
  };
}

/**
 * Awaits a xero-node call: resolves either way; a rejection (a JSON *string* in xero-node 20) is parsed,
 * and its body checked against the shape Xero sends for that status (`assertErrorReply`).
 */
export async function call<M>(
  promise: Promise<{
    response: { status: number; data: unknown; headers: unknown };
    body: M;
  }>,
): Promise<CallResult<M>> {
  try {
    const r = await promise;
    return {
      ok: true,
      status: r.response.status,
      raw: r.response.data,
      headers: r.response.headers as Record<string, string>,
      model: r.body,
    };
  } catch (e) {
    if (typeof e !== 'string') throw e;
    const parsed = JSON.parse(e) as XeroNodeRejection;
    // Every error reply a test receives is checked against the shape Xero sends (a dropped connection has status 0 and none).
    if (parsed.response.statusCode > 0)
      assertErrorReply(
        parsed.response.statusCode,
        parsed.response.body,
        parsed.response.headers ?? {},
      );
    return {
      ok: false,
      status: parsed.response.statusCode,
      raw: parsed.response.body,
      headers: parsed.response.headers,
    };
  }
}

/**
 * A successful Accounting API call whose body matches the schema: `Contacts`, `Organisations`, or
 * `ContactsWithEchoes` for summarizeErrors=false replies (refused elements echo what was sent).
 */
export async function expectOk<M>(
  promise: Promise<{
    response: { status: number; data: unknown; headers: unknown };
    body: M;
  }>,
  schema: 'Contacts' | 'Organisations' | 'ContactsWithEchoes',
): Promise<CallResult<M> & { raw: Record<string, unknown> }> {
  const r = await call(promise);
  if (!r.ok)
    throw new Error(
      `Expected success, got ${r.status}: ${JSON.stringify(r.raw)}`,
    );
  assertSchema(
    schema === 'ContactsWithEchoes'
      ? 'accountingEcho#Contacts'
      : `accounting#${schema}`,
    r.raw,
  );
  return r as CallResult<M> & { raw: Record<string, unknown> };
}

/**
 * A failed call, its body checked: 400 against the Contacts endpoints' Error schema, the others (which
 * the OpenAPI leaves without a schema) against the shape Xero documents (`assertErrorReply`).
 */
export async function expectFailure(
  promise: Promise<unknown>,
  status: number,
): Promise<CallResult & { raw: Record<string, unknown> }> {
  const r = await call(
    promise as Promise<{
      response: { status: number; data: unknown; headers: unknown };
      body: unknown;
    }>,
  );
  if (r.ok || r.status !== status)
    throw new Error(
      `Expected ${status}, got ${r.status}: ${JSON.stringify(r.raw)}`,
    );
  assertErrorReply(status, r.raw, r.headers ?? {});
  return r as CallResult & { raw: Record<string, unknown> };
}

/** Plain HTTP against the sandbox (admin surface, identity endpoints). */
export async function http(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    json?: unknown;
    form?: Record<string, string>;
    redirect?: 'manual';
  } = {},
): Promise<{
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(url, {
    method: init.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    redirect: init.redirect ?? 'manual',
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: () => JSON.parse(text) as unknown,
  };
}

/**
 * Checks an Accounting API error reply received with plain HTTP (`http()`) the way `call()` checks
 * xero-node's: the body must have the shape Xero sends for its status. Returns the reply.
 */
export function expectXeroError<
  R extends { status: number; headers: Headers; text: string },
>(reply: R, status: number): R {
  if (reply.status !== status)
    throw new Error(`Expected ${status}, got ${reply.status}: ${reply.text}`);
  const json = (reply.headers.get('content-type') ?? '').includes('json');
  assertErrorReply(
    reply.status,
    json ? (JSON.parse(reply.text) as unknown) : reply.text,
    Object.fromEntries(reply.headers.entries()),
  );
  return reply;
}

/** Resolves once `predicate` holds, checking on each turn of the event loop (no timing involved). */
export async function until(
  predicate: () => boolean,
  turns = 10_000,
): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
