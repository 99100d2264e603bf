export interface RequestLogEntry {
  id: number;
  at: string;
  tenantId: string | null;
  method: string;
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
  status: number | null;
  /** What the sandbox answered: kept for writes and errors (successful reads can be large and are left out). */
  responseBody?: unknown;
  /** Set when a limit or an injected fault decided the reply. */
  outcome?: string;
}

const SECRET_HEADERS = new Set(['authorization', 'cookie']);

/** Masks credentials while keeping enough to tell tokens apart. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    const value = Array.isArray(v) ? v.join(', ') : v;
    const key = k.toLowerCase();
    if (SECRET_HEADERS.has(key)) {
      const [scheme, token] = value.split(/\s+/, 2);
      out[key] = token ? `${scheme} …${token.slice(-6)}` : '…';
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** Every Xero-facing request, per tenant, so a test can see exactly what a client sent and got back. */
export class RequestLog {
  private byTenant = new Map<string, RequestLogEntry[]>();
  private nextId = 1;

  constructor(private readonly limitPerTenant: number) {}

  private static key(tenantId: string | null): string {
    return tenantId ?? '';
  }

  add(entry: Omit<RequestLogEntry, 'id'>): RequestLogEntry {
    const full = { id: this.nextId++, ...entry };
    const key = RequestLog.key(entry.tenantId);
    const list = this.byTenant.get(key) ?? [];
    list.push(full);
    if (list.length > this.limitPerTenant)
      list.splice(0, list.length - this.limitPerTenant);
    this.byTenant.set(key, list);
    return full;
  }

  list(
    filter: {
      tenantId?: string;
      method?: string;
      pathContains?: string;
      since?: number;
    } = {},
  ): RequestLogEntry[] {
    const source =
      filter.tenantId === undefined
        ? [...this.byTenant.values()].flat().sort((a, b) => a.id - b.id)
        : (this.byTenant.get(RequestLog.key(filter.tenantId)) ?? []);
    return source.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!filter.pathContains ||
          e.path.toLowerCase().includes(filter.pathContains.toLowerCase())) &&
        (filter.since === undefined || e.id > filter.since),
    );
  }

  clear(tenantId?: string): number {
    if (tenantId === undefined) {
      const n = [...this.byTenant.values()].reduce(
        (sum, l) => sum + l.length,
        0,
      );
      this.byTenant.clear();
      return n;
    }
    const key = RequestLog.key(tenantId);
    const n = this.byTenant.get(key)?.length ?? 0;
    this.byTenant.delete(key);
    return n;
  }
}
