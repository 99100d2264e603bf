import type {
  ApiErrorBody,
  Customer,
  CustomerFields,
  ImportJob,
  ImportProblem,
  MatchRule,
  OnAccountSale,
  Page,
  XeroConnection,
  XeroLink,
  XeroStatus,
} from './types';

/** A refused call, with the server's body: `fieldProblems()` gives the validation messages per field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message || `HTTP ${status}`);
  }

  /** `{ "email": ["email must be an email address"], "physicalAddress.city": [...] }` */
  fieldProblems(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    if (Array.isArray(this.body.details)) {
      for (const d of this.body.details) out[d.field] = [...(out[d.field] ?? []), ...d.problems];
    }
    return out;
  }
}

export interface Sent<T> {
  body: T;
  etag: string | null;
}

export interface SearchParams {
  q?: string;
  xeroStatus?: XeroStatus | '';
  page?: number;
  pageSize?: number;
}

/** The one way the page talks to the customers service (through the same-origin /api proxy). */
export class ApiClient {
  constructor(
    private readonly apiKey: string,
    private readonly onUnauthorised: () => void = () => undefined,
  ) {}

  private async send<T>(method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Sent<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.apiKey}`, accept: 'application/json', ...init.headers };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`/api${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    } catch {
      throw new ApiError(0, { statusCode: 0, error: 'Network Error', message: 'the back office cannot reach the server' });
    }
    const text = await res.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { statusCode: res.status, error: res.statusText, message: text.slice(0, 200) };
    }
    if (!res.ok) {
      if (res.status === 401) this.onUnauthorised();
      const b = (body ?? {}) as Partial<ApiErrorBody>;
      throw new ApiError(res.status, { statusCode: res.status, error: b.error ?? res.statusText, message: b.message ?? `HTTP ${res.status}`, details: b.details });
    }
    return { body: body as T, etag: res.headers.get('etag') };
  }

  async checkKey(): Promise<void> {
    await this.send('GET', '/customers?pageSize=1');
  }

  async searchCustomers(p: SearchParams): Promise<Page<Customer>> {
    const qs = new URLSearchParams();
    if (p.q) qs.set('q', p.q);
    if (p.xeroStatus) qs.set('xeroStatus', p.xeroStatus);
    qs.set('page', String(p.page ?? 1));
    qs.set('pageSize', String(p.pageSize ?? 20));
    return (await this.send<Page<Customer>>('GET', `/customers?${qs}`)).body;
  }

  getCustomer(id: string): Promise<Sent<Customer>> {
    return this.send<Customer>('GET', `/customers/${encodeURIComponent(id)}`);
  }

  async createCustomer(fields: CustomerFields): Promise<Customer> {
    return (await this.send<Customer>('POST', '/customers', { body: fields })).body;
  }

  /** PATCH with If-Match: a stale ETag answers 412 and changes nothing. */
  updateCustomer(id: string, patch: CustomerFields, etag: string | null): Promise<Sent<Customer>> {
    return this.send<Customer>('PATCH', `/customers/${encodeURIComponent(id)}`, { body: patch, headers: etag ? { 'if-match': etag } : {} });
  }

  async deleteCustomer(id: string, etag: string | null): Promise<void> {
    await this.send('DELETE', `/customers/${encodeURIComponent(id)}`, { headers: etag ? { 'if-match': etag } : {} });
  }

  async xeroLink(id: string): Promise<XeroLink> {
    return (await this.send<XeroLink>('GET', `/customers/${encodeURIComponent(id)}/xero`)).body;
  }

  async pushNow(id: string): Promise<XeroLink> {
    return (await this.send<XeroLink>('POST', `/customers/${encodeURIComponent(id)}/xero/push`)).body;
  }

  async recordSale(id: string, amount: number, reference: string): Promise<OnAccountSale> {
    return (await this.send<OnAccountSale>('POST', `/customers/${encodeURIComponent(id)}/on-account-sales`, { body: { amount, reference } })).body;
  }

  async connection(): Promise<XeroConnection> {
    return (await this.send<XeroConnection>('GET', '/xero/connection')).body;
  }

  /**
   * Where Connect goes: GET /api/xero/connect answers 302 to Xero's authorize page with `{url}`. A
   * browser cannot follow a link that needs the bearer key, so the proxy answers it as 200 (X-No-Redirect).
   */
  async connectUrl(): Promise<string> {
    const { body } = await this.send<{ url: string }>('GET', '/xero/connect', { headers: { 'x-no-redirect': '1' } });
    return body.url;
  }

  async startImport(dryRun: boolean, matchBy?: MatchRule[]): Promise<ImportJob> {
    return toImportJob((await this.send<ImportResponse>('POST', '/imports/xero', { body: { dryRun, ...(matchBy ? { matchBy } : {}) } })).body);
  }

  async imports(page = 1, pageSize = 10): Promise<Page<ImportJob>> {
    const { body } = await this.send<Page<ImportResponse> | ImportResponse[]>('GET', `/imports?page=${page}&pageSize=${pageSize}`);
    const list = Array.isArray(body) ? { items: body, page, pageSize, total: body.length } : body;
    return { ...list, items: list.items.map(toImportJob) };
  }

  async getImport(id: string): Promise<ImportJob> {
    return toImportJob((await this.send<ImportResponse>('GET', `/imports/${encodeURIComponent(id)}`)).body);
  }

  async cancelImport(id: string): Promise<ImportJob | undefined> {
    const { body } = await this.send<ImportResponse | undefined>('DELETE', `/imports/${encodeURIComponent(id)}`);
    return body ? toImportJob(body) : undefined;
  }
}

/** An import as the customers API answers it (`pages` and `contacts` grouped). */
interface ImportResponse {
  id: string;
  status: ImportJob['status'];
  dryRun: boolean;
  matchBy?: MatchRule[];
  pages: { done: number; total: number | null; ignored?: number[] };
  contacts: { seen: number; created: number; linked: number; skipped: Record<string, number>; ambiguous: number; refused?: number };
  summary?: string;
  error?: string | null;
  problems?: ImportProblem[];
  createdAt?: string;
  endedAt?: string | null;
}

/** The API's import read into the flat shape the pages show (the one place the two meet). */
function toImportJob(r: ImportResponse): ImportJob {
  return {
    id: r.id,
    status: r.status,
    dryRun: r.dryRun,
    matchBy: r.matchBy,
    pagesDone: r.pages?.done ?? 0,
    pageCount: r.pages?.total ?? null,
    seen: r.contacts?.seen ?? 0,
    created: r.contacts?.created ?? 0,
    linked: r.contacts?.linked ?? 0,
    skipped: r.contacts?.skipped ?? {},
    ambiguous: r.contacts?.ambiguous ?? 0,
    problems: r.problems ?? [],
    error: r.error ?? null,
    createdAt: r.createdAt,
    finishedAt: r.endedAt ?? null,
  };
}
