/**
 * The customers service's public API as the page uses it. Written by hand from its OpenAPI document
 * (GET /docs-json) and DESIGN §8; keep in step with apps/customers/src/**\/dto. The import shape is the
 * one the import feature (issue 10) serves.
 */

export type XeroStatus = 'not_linked' | 'pending' | 'synced' | 'failed';
export const XERO_STATUSES: readonly XeroStatus[] = ['not_linked', 'pending', 'synced', 'failed'];

export interface Address {
  line1?: string | null;
  line2?: string | null;
  suburb?: string | null;
  city?: string | null;
  postcode?: string | null;
  state?: string | null;
  country?: string | null;
}
export const ADDRESS_PARTS = ['line1', 'line2', 'suburb', 'city', 'postcode', 'state', 'country'] as const;

export interface CustomerFields {
  customerCode?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  companyName?: string | null;
  email?: string | null;
  phone?: string | null;
  mobile?: string | null;
  fax?: string | null;
  physicalAddress?: Address | null;
  postalAddress?: Address | null;
  taxNumber?: string | null;
  note?: string | null;
}

export interface Customer extends CustomerFields {
  id: string;
  version: number;
  xeroStatus: XeroStatus;
  xeroContactId?: string;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export type SyncErrorKind = 'validation' | 'name_taken' | 'archived' | 'auth' | 'not_connected' | 'rate_limited' | 'unavailable';

export interface SyncError {
  kind: SyncErrorKind;
  message: string;
  hint?: string;
  retryAt?: string;
  version: number;
  at: string;
}

export interface PushAttempt {
  at: string;
  version: number;
  fields: string[];
  outcome: 'succeeded' | 'failed' | 'retrying';
  error?: string;
}

export type ConnectionStatus = 'connected' | 'disconnected' | 'expired';

/** GET /api/customers/:id/xero */
export interface XeroLink {
  customerId: string;
  version: number;
  status: XeroStatus;
  contactId: string | null;
  viewUrl: string | null;
  pendingFields: string[];
  lastError: SyncError | null;
  drift: Record<string, { pos: unknown; xero: unknown }> | null;
  connection: { status: ConnectionStatus; organisationName: string | null };
  history: PushAttempt[];
}

/** GET /api/xero/connection */
export interface XeroConnection {
  status: ConnectionStatus;
  tenantId: string | null;
  organisationName: string | null;
  shortCode: string | null;
  changedAt?: string | null;
}

export interface OnAccountSale {
  id: string;
  customerId: string;
  amount: number;
  reference: string;
  at: string;
}

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type MatchRule = 'contactNumber' | 'accountNumber' | 'nameAndEmail' | 'email';
export const MATCH_RULES: readonly MatchRule[] = ['contactNumber', 'accountNumber', 'nameAndEmail', 'email'];

/** One side of an import problem: the Xero contact or a POS customer, as much as the report carries. */
export type Party = Record<string, unknown>;

export interface ImportProblem {
  reason?: string;
  message?: string;
  contact?: Party;
  customers?: Party[];
  customer?: Party;
  [more: string]: unknown;
}

/** GET /api/imports/:id */
export interface ImportJob {
  id: string;
  status: ImportStatus;
  dryRun: boolean;
  matchBy?: MatchRule[];
  pagesDone: number;
  pageCount: number | null;
  seen: number;
  created: number;
  linked: number;
  skipped: Record<string, number>;
  ambiguous: number;
  problems: ImportProblem[];
  error?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
}

/** The error body every call answers with: `{statusCode, error, message, details}`. */
export interface ApiErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: { field: string; problems: string[] }[] | Record<string, unknown>;
}
