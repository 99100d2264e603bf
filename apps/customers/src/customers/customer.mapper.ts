import { ADDRESS_PARTS, Address, CUSTOMER_FIELDS, CustomerFields, DRIFT_MESSAGE, xeroContactUrl } from '@pos/customers-domain';
import { RetailerDoc } from '../retailers/retailer.schema';
import { CustomerDoc } from './schemas/customer.schema';

function cleanAddress(a?: Address): Address | undefined {
  if (!a) return undefined;
  return Object.fromEntries(ADDRESS_PARTS.filter((p) => a[p] !== undefined).map((p) => [p, a[p]])) as Address;
}

/** The customer as the API shows it: an explicit list of fields, never the stored document. */
export function toCustomerResponse(doc: CustomerDoc) {
  const fields: Record<string, unknown> = {};
  for (const f of CUSTOMER_FIELDS) {
    const v = doc.fields[f];
    if (v === undefined) continue;
    fields[f] = typeof v === 'object' ? cleanAddress(v) : v;
  }
  return {
    id: doc._id,
    version: doc.version,
    ...(fields as CustomerFields),
    xeroStatus: doc.xero.status,
    ...(doc.xero.drift ? { xeroDrifted: Object.keys(doc.xero.drift) } : {}),
    ...(doc.xero.contactId ? { xeroContactId: doc.xero.contactId } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

/** What the Xero icon shows when opened: status, link, what is waiting, what went wrong, recent pushes. */
export function toXeroStatusResponse(doc: CustomerDoc, retailer: RetailerDoc) {
  const x = doc.xero;
  const conn = retailer.xeroConnection;
  return {
    customerId: doc._id,
    version: doc.version,
    status: x.status,
    contactId: x.contactId ?? null,
    viewUrl: x.contactId && conn?.shortCode ? xeroContactUrl(conn.shortCode, x.contactId) : null,
    pendingFields: x.pendingFields,
    lastError: x.lastError ?? null,
    drift: x.drift ?? null,
    driftMessage: x.drift ? DRIFT_MESSAGE : null,
    connection: { status: conn?.status ?? 'disconnected', organisationName: conn?.organisationName ?? null },
    history: x.history,
  };
}
