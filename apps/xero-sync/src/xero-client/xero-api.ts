import { XeroContact } from '@pos/customers-domain';
import { XeroReply } from '@pos/sync-domain';
import axios from 'axios';
import { AccountingApi } from 'xero-node';
import { ObjectSerializer } from 'xero-node/dist/gen/model/accounting/models';

/** One tenant (organisation) a token may use: GET {XERO_API_URL}/connections (xero-identity.yaml). */
export interface XeroConnection {
  id: string;
  authEventId?: string;
  tenantId: string;
  tenantType: string;
  tenantName?: string;
  createdDateUtc?: string;
  updatedDateUtc?: string;
}

/** A call's outcome: the reply (success or not) as plain data, Xero's PascalCase JSON body included. */
export type ApiReply<T> = XeroReply & { ok: boolean; status: number | undefined; body?: T };

/**
 * The Accounting API through xero-node (basePath pointed at `${XERO_API_URL}/api.xro/2.0`), and the
 * connections endpoint with fetch (xero-node hard-codes its host). Every call has a timeout: xero-node
 * uses axios's default instance, whose default timeout is none, so this sets one.
 */
export class XeroApi {
  constructor(private readonly opts: { apiUrl: string; timeoutMs: number }) {
    axios.defaults.timeout = opts.timeoutMs;
  }

  private accounting(accessToken: string): AccountingApi {
    const api = new AccountingApi();
    api.basePath = `${this.opts.apiUrl}/api.xro/2.0`;
    api.accessToken = accessToken;
    return api;
  }

  async connections(accessToken: string, authEventId?: string): Promise<ApiReply<XeroConnection[]>> {
    const url = new URL(`${this.opts.apiUrl}/connections`);
    if (authEventId) url.searchParams.set('authEventId', authEventId);
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* plain text */
      }
      return { ok: res.ok, status: res.status, headers: Object.fromEntries(res.headers), body: body as XeroConnection[] };
    } catch (err) {
      return { ok: false, status: undefined, networkError: (err as Error).message };
    }
  }

  organisation(accessToken: string, tenantId: string): Promise<ApiReply<{ Organisations?: { Name?: string; ShortCode?: string }[] }>> {
    return call(() => this.accounting(accessToken).getOrganisations(tenantId));
  }

  /** Contacts with these ContactNumbers, archived ones included (one call for up to 50 numbers). */
  contactsByNumbers(accessToken: string, tenantId: string, numbers: string[]): Promise<ApiReply<{ Contacts?: XeroContact[] }>> {
    const where = numbers.map((n) => `ContactNumber=="${n.replace(/"/g, '\\"')}"`).join(' OR ');
    return call(() => this.accounting(accessToken).getContacts(tenantId, undefined, where, undefined, undefined, undefined, true));
  }

  /**
   * Contacts by ContactID (up to 50 ids a call), archived and merged ones included. Paged, so that
   * MergedToContactID comes back (unpaged lists leave it out).
   */
  contactsByIds(accessToken: string, tenantId: string, ids: string[]): Promise<ApiReply<{ Contacts?: XeroContact[] }>> {
    return call(() => this.accounting(accessToken).getContacts(tenantId, undefined, undefined, undefined, ids, 1, true, undefined, undefined, 100));
  }

  /** One page (1000 contacts) of those changed since `since` (If-Modified-Since), archived ones included. */
  contactsModifiedSince(accessToken: string, tenantId: string, since: Date, page: number): Promise<ApiReply<{ Contacts?: XeroContact[] }>> {
    return call(() => this.accounting(accessToken).getContacts(tenantId, since, undefined, 'UpdatedDateUTC ASC', undefined, page, true, undefined, undefined, 1000));
  }

  /**
   * One page of every contact, archived ones included, in full (IsCustomer/IsSupplier are missing
   * from summaryOnly replies): GET /Contacts?page=N&pageSize=…&includeArchived=true.
   */
  contactsPage(
    accessToken: string,
    tenantId: string,
    page: number,
    pageSize: number,
  ): Promise<ApiReply<{ Contacts?: XeroContact[]; pagination?: { page?: number; pageSize?: number; pageCount?: number; itemCount?: number } }>> {
    return call(() => this.accounting(accessToken).getContacts(tenantId, undefined, undefined, undefined, undefined, page, true, false, undefined, pageSize));
  }

  /** POST /Contacts with summarizeErrors=false: every element comes back with its own validation errors. */
  updateOrCreateContacts(
    accessToken: string,
    tenantId: string,
    contacts: XeroContact[],
    idempotencyKey: string,
  ): Promise<ApiReply<{ Contacts?: (XeroContact & { HasValidationErrors?: boolean; ValidationErrors?: { Message?: string }[] })[] }>> {
    // xero-node serialises its own (camelCase) models; read our PascalCase contacts into them first
    const model = ObjectSerializer.deserialize({ Contacts: contacts }, 'Contacts');
    return call(() => this.accounting(accessToken).updateOrCreateContacts(tenantId, model, false, idempotencyKey));
  }
}

/**
 * xero-node resolves `{response, body}` on 2xx and rejects with a JSON *string* of
 * `{response: {statusCode, body, headers}}` otherwise (status 0 for timeouts and network errors).
 */
async function call<T>(fn: () => Promise<{ response: { status?: number; headers?: unknown; data?: unknown } }>): Promise<ApiReply<T>> {
  try {
    const { response } = await fn();
    return { ok: true, status: response.status, headers: flatHeaders(response.headers), body: response.data as T };
  } catch (err) {
    let parsed: { response?: { statusCode?: number; body?: unknown; headers?: unknown } } | undefined;
    if (typeof err === 'string') {
      try {
        parsed = JSON.parse(err);
      } catch {
        /* not the shape xero-node documents */
      }
    }
    const status = parsed?.response?.statusCode;
    if (!status) return { ok: false, status: undefined, networkError: String(parsed?.response?.body ?? (err as Error)?.message ?? err) };
    return { ok: false, status, headers: flatHeaders(parsed?.response?.headers), body: parsed?.response?.body as T };
  }
}

function flatHeaders(h: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries((h ?? {}) as Record<string, unknown>)) out[k.toLowerCase()] = v === undefined ? undefined : String(v);
  return out;
}
