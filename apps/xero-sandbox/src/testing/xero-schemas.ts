/**
 * Validates what the sandbox sends against Xero's own OpenAPI documents (kept in `apps/xero-sandbox/openapi`), strictly:
 * every schema that defines `properties` gets `additionalProperties: false`, so a field Xero would not send
 * (or a wrong type, or a bad enum value) fails the test.
 *
 * Three documented adjustments, each backed by the spec's own examples:
 * - `Contacts` / `Organisations` also allow the envelope fields every example shows (Id, Status,
 *   ProviderName, DateTimeUTC), which the schemas themselves leave out.
 * - In `ContactsError` (the 400 of the Contacts endpoints) `Elements` are validated as `Contact`s: the
 *   createContacts 400 example echoes the whole contact, which the bare `Element` schema cannot hold. An
 *   echo repeats what was sent, so it is checked without the `maxLength`s (document `accountingEcho`, also
 *   used for summarizeErrors=false replies, which mix written contacts and echoes).
 * - `date-time` accepts Xero's offset-less UTC timestamps (`2019-12-07T18:46:19.5165400`, as in the
 *   identity and webhook examples).
 * `x-is-msdate-time` / `x-is-msdate` are enforced as Microsoft JSON dates (`/Date(1573755038314+0000)/`).
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';

/**
 * Xero's official OpenAPI documents (version 16.1.0, MIT licence), copied into the repository at
 * `apps/xero-sandbox/openapi`; `XERO_OPENAPI_DIR` overrides the folder (e.g. to try a newer release).
 */
export const REFERENCE_DIR =
  process.env['XERO_OPENAPI_DIR'] ?? resolve(__dirname, '..', '..', 'openapi');

type Schema = Record<string, unknown>;

/** Parses a YAML spec once per machine (cached as JSON in the temp dir, keyed by path, size and mtime). */
export function loadSpec(file: string): Schema {
  const path = join(REFERENCE_DIR, file);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: the Xero OpenAPI documents are read from apps/xero-sandbox/openapi, or from XERO_OPENAPI_DIR`,
    );
  }
  const st = statSync(path);
  const key = createHash('sha1')
    .update(`${path}:${st.size}:${st.mtimeMs}`)
    .digest('hex')
    .slice(0, 16);
  const cache = join(tmpdir(), `xero-sandbox-spec-${key}.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8')) as Schema;
    } catch {
      // fall through and re-parse
    }
  }
  const doc = YAML.parse(readFileSync(path, 'utf8')) as Schema;
  try {
    writeFileSync(cache, JSON.stringify(doc));
  } catch {
    // a cache is only an optimisation
  }
  return doc;
}

/** Adds additionalProperties:false to every object schema that lists properties. */
export function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (typeof node !== 'object' || node === null) return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema)) {
    out[k] =
      k === 'example' ||
      k === 'examples' ||
      k === 'enum' ||
      k === 'x-enum-varnames'
        ? v
        : strictify(v);
  }
  if (
    out['properties'] &&
    typeof out['properties'] === 'object' &&
    out['additionalProperties'] === undefined
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

function withoutMaxLength(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutMaxLength);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node as Schema)
      .filter(([k]) => k !== 'maxLength')
      .map(([k, v]) => [
        k,
        k === 'example' || k === 'enum' ? v : withoutMaxLength(v),
      ]),
  );
}

const MS_DATE = /^\/Date\(-?\d+([+-]\d{4})?\)\/$/;
const ENVELOPE = {
  Id: { type: 'string', format: 'uuid' },
  Status: { type: 'string', enum: ['OK'] },
  ProviderName: { type: 'string' },
  DateTimeUTC: { type: 'string', 'x-is-msdate-time': true },
};

function buildAjv(): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateFormats: true,
  });
  addFormats(ajv);
  ajv.addFormat(
    'date-time',
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  );
  for (const keyword of ['x-is-msdate-time', 'x-is-msdate']) {
    ajv.addKeyword({
      keyword,
      type: 'string',
      schemaType: 'boolean',
      errors: false,
      validate: (enabled: boolean, data: string) =>
        !enabled || MS_DATE.test(data),
    });
  }
  return ajv;
}

let ajvSingleton: Ajv | undefined;

function ajv(): Ajv {
  if (ajvSingleton) return ajvSingleton;
  const instance = buildAjv();

  const accounting = loadSpec('xero_accounting.yaml') as {
    components: { schemas: Record<string, Schema> };
  };
  const schemas = strictify(accounting.components.schemas) as Record<
    string,
    Schema
  >;
  for (const name of ['Contacts', 'Organisations']) {
    schemas[name] = {
      ...schemas[name],
      properties: { ...ENVELOPE, ...(schemas[name]['properties'] as Schema) },
    };
  }
  const error = schemas['Error'];
  schemas['ContactsError'] = {
    ...error,
    properties: {
      ...(error['properties'] as Schema),
      Elements: {
        type: 'array',
        items: { $ref: 'accountingEcho#/components/schemas/Contact' },
      },
    },
  };
  instance.addSchema({ $id: 'accounting', components: { schemas } });
  instance.addSchema({
    $id: 'accountingEcho',
    components: { schemas: withoutMaxLength(schemas) },
  });

  const identity = loadSpec('xero-identity.yaml') as {
    components: { schemas: Record<string, Schema> };
  };
  instance.addSchema({
    $id: 'identity',
    components: { schemas: strictify(identity.components.schemas) },
  });

  const webhooks = loadSpec('xero-webhooks.yaml') as {
    components: { schemas: Record<string, Schema> };
  };
  instance.addSchema({
    $id: 'webhooks',
    components: {
      schemas: {
        WebhookEvent: strictify(webhooks.components.schemas['WebhookEvent']),
      },
    },
  });

  ajvSingleton = instance;
  return instance;
}

const compiled = new Map<string, ValidateFunction>();

/** `accounting#Contacts`, `accounting#ContactsError`, `identity#Connection`, `webhooks#WebhookEvent`, ... */
export function validator(ref: string): ValidateFunction {
  let fn = compiled.get(ref);
  if (!fn) {
    const [doc, name] = ref.includes('#')
      ? ref.split('#')
      : ['accounting', ref];
    const v = ajv().getSchema(`${doc}#/components/schemas/${name}`);
    if (!v) throw new Error(`No schema ${ref}`);
    fn = v;
    compiled.set(ref, fn);
  }
  return fn;
}

export function schemaErrors(ref: string, data: unknown): ErrorObject[] {
  const fn = validator(ref);
  return fn(data) ? [] : [...(fn.errors ?? [])];
}

/** Throws a readable error when `data` does not match the schema. */
export function assertSchema(ref: string, data: unknown): void {
  const errors = schemaErrors(ref, data);
  if (errors.length > 0) {
    const lines = errors
      .slice(0, 10)
      .map(
        (e) =>
          `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
      );
    throw new Error(
      `Response does not match ${ref}:\n${lines.join('\n')}\n${JSON.stringify(data).slice(0, 2000)}`,
    );
  }
}

/**
 * Error replies the OpenAPI gives no schema for are checked against the shape Xero documents and sends:
 * - 401 / 403: problem details (`Type`, `Title`, `Status`, `Detail`, `Instance`, `Extensions`), the body
 *   Xero's Accounting API sends to an unauthenticated or forbidden call (e.g. `Detail: "TokenExpired: ..."`,
 *   `"AuthenticationUnsuccessful"`, `"AuthorizationUnsuccessful"`);
 * - 404: Xero's plain-text "The resource you're looking for cannot be found";
 * - 429: an empty body, `X-Rate-Limit-Problem` naming the limit, `Retry-After` (whole seconds) for every
 *   limit but the concurrent one (Xero's limits guide);
 * - 500 / 503: Xero's plain-text messages.
 * 400 bodies are the OpenAPI's `Error` schema (see `ContactsError`).
 */
const PROBLEM_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['Type', 'Title', 'Status', 'Detail', 'Instance', 'Extensions'],
  properties: {
    Type: { type: ['string', 'null'] },
    Title: { type: 'string', enum: ['Unauthorized', 'Forbidden'] },
    Status: { type: 'integer', enum: [401, 403] },
    Detail: { type: 'string', minLength: 1 },
    Instance: { type: 'string', format: 'uuid' },
    Extensions: { type: 'object' },
  },
};

let problemValidator: ValidateFunction | undefined;

export function assertErrorReply(
  status: number,
  body: unknown,
  headers: Record<string, string | undefined>,
): void {
  const fail = (why: string) => {
    throw new Error(
      `${status} reply does not have Xero's shape: ${why}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  };
  const header = (name: string) =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
  if (status === 400) return assertSchema('accounting#ContactsError', body);
  if (status === 401 || status === 403) {
    problemValidator ??= ajv().compile(PROBLEM_SCHEMA);
    if (!problemValidator(body))
      fail(JSON.stringify(problemValidator.errors?.slice(0, 5)));
    if ((body as { Status: number }).Status !== status)
      fail('Status differs from the HTTP status');
    return;
  }
  if (status === 404) {
    if (body !== "The resource you're looking for cannot be found")
      fail("404 body is not Xero's text");
    return;
  }
  if (status === 429) {
    if (body !== undefined && body !== null && body !== '')
      fail('429 body is not empty');
    const problem = header('x-rate-limit-problem');
    if (!['minute', 'day', 'concurrent', 'appminute'].includes(problem ?? ''))
      fail(`X-Rate-Limit-Problem is ${problem}`);
    const retryAfter = header('retry-after');
    if (problem === 'concurrent' && retryAfter !== undefined)
      fail('a concurrent-limit 429 carries Retry-After');
    if (problem !== 'concurrent' && !/^\d+$/.test(retryAfter ?? ''))
      fail(`Retry-After is ${retryAfter}`);
    return;
  }
  if (status === 500 || status === 503) {
    if (
      typeof body !== 'string' ||
      (!body.startsWith('An error occurred in Xero') &&
        !body.startsWith('The Xero API is temporarily unavailable'))
    )
      fail("5xx body is not Xero's text");
    return;
  }
  fail('a status the sandbox does not send');
}
