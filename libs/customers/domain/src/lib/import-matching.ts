import { MATCH_BY, MatchBy, type ContactStatus } from '@pos/sync-contracts/enums';
import { displayName, normaliseForSearch } from './customer';
import { CustomerFields } from './customer.types';
import { LinkOrigin, XeroLink } from './xero-link';

/**
 * Import from Xero: which contacts come in, and whether a contact is a POS customer already.
 * Pure rules over plain data; the customers service looks the candidates up (by stored normalised
 * keys) and applies the decisions.
 */

/** The ways a contact can be found among the POS customers, in their default order (the contracts' MATCH_BY). */
export const MATCH_RULES: readonly MatchBy[] = MATCH_BY;
export type MatchRule = MatchBy;

/** A Xero contact as an import page carries it (the names matching needs, as Xero spells them). */
export interface ImportedContact {
  xeroContactId: string;
  contactStatus: ContactStatus;
  isCustomer: boolean;
  isSupplier: boolean;
  contactNumber?: string;
  accountNumber?: string;
  name?: string;
  emailAddress?: string;
  /** The contact read as POS customer fields (fromXeroContact). */
  fields: CustomerFields;
}

/** A POS customer a contact may match. */
export interface MatchCandidate {
  id: string;
  fields: CustomerFields;
  /** The Xero contact it is linked to, if any. */
  xeroContactId?: string;
  linkedBy?: LinkOrigin;
}

export type Designation = 'customer' | 'supplier' | 'customer_and_supplier' | 'general';

/** Xero's designations: set by Xero from sales invoices (customer) and bills (supplier); neither is a general contact. */
export function designationOf(c: Pick<ImportedContact, 'isCustomer' | 'isSupplier'>): Designation {
  if (c.isCustomer) return c.isSupplier ? 'customer_and_supplier' : 'customer';
  return c.isSupplier ? 'supplier' : 'general';
}

export type SkipReason = 'archived' | 'supplier_only' | 'already_linked';

/** Why a contact does not come in at all: not active (archived, or being erased), or supplier only. */
export function exclusionOf(c: ImportedContact): Exclude<SkipReason, 'already_linked'> | undefined {
  if (c.contactStatus !== 'ACTIVE') return 'archived';
  if (designationOf(c) === 'supplier') return 'supplier_only';
  return undefined;
}

/** The normalised keys a contact is looked up by, per rule (what the service queries stored keys with). */
export function contactKeys(c: ImportedContact): { contactNumber?: string; accountNumber?: string; email?: string; name?: string } {
  const key = (v?: string) => normaliseForSearch(v) || undefined;
  return {
    contactNumber: key(c.contactNumber),
    accountNumber: key(c.accountNumber),
    email: key(c.emailAddress),
    name: key(c.name),
  };
}

/** Whether POS customer `p` is found by `rule` for contact `c` (case- and accent-insensitive). */
export function matchesBy(rule: MatchRule, c: ImportedContact, p: MatchCandidate): boolean {
  const k = contactKeys(c);
  switch (rule) {
    case 'contactNumber':
      // DESIGN §5: a contact the POS created carries the customer's id as its ContactNumber.
      return !!k.contactNumber && k.contactNumber === normaliseForSearch(p.id);
    case 'accountNumber':
      return !!k.accountNumber && k.accountNumber === normaliseForSearch(p.fields.customerCode);
    case 'nameAndEmail':
      return !!k.email && !!k.name && k.email === normaliseForSearch(p.fields.email) && k.name === normaliseForSearch(displayName(p.fields));
    case 'email':
      return !!k.email && k.email === normaliseForSearch(p.fields.email);
  }
}

export interface Match {
  rule: MatchRule;
  customers: MatchCandidate[];
}

/** The first rule in `matchBy` that finds any POS customer decides, with every customer it found. */
export function findMatch(c: ImportedContact, candidates: readonly MatchCandidate[], matchBy: readonly MatchRule[]): Match | undefined {
  for (const rule of matchBy) {
    const customers = candidates.filter((p) => matchesBy(rule, c, p));
    if (customers.length) return { rule, customers };
  }
  return undefined;
}

/** What an import does with one contact. */
export type ContactDecision =
  | { outcome: 'skipped'; reason: SkipReason; customerId?: string }
  | { outcome: 'linked'; customerId: string; rule: MatchRule }
  | { outcome: 'created' }
  | { outcome: 'ambiguous'; reason: 'several_customers' | 'customer_linked_elsewhere'; rule: MatchRule; customers: MatchCandidate[] };

/** The source recorded in the links an import makes. */
export const importSource = (importId: string) => `import:${importId}`;

/**
 * Decides one contact of import `source`:
 * - archived (or being erased) and supplier-only contacts are skipped;
 * - a contact a POS customer is linked to already is skipped as "already linked", unless this very
 *   import made the link (a page replayed after a crash): then it counts as what the import did;
 * - otherwise the first rule in `matchBy` that finds any POS customer decides: exactly one → link,
 *   several → ambiguous; none → create a new linked customer.
 * Customers this import created are not candidates (two Xero contacts that look alike each get
 * their own customer, as in Xero). A customer linked to another contact, other than by this
 * import, is never relinked: the contact is ambiguous (relinking would break the link the POS
 * pushes to; creating would duplicate the customer it matched). Two contacts of one import
 * matching one customer are found by the caller, across pages (see `claimOutcome`).
 */
export function decideContact(
  c: ImportedContact,
  ctx: { source: string; linked?: MatchCandidate; candidates: readonly MatchCandidate[]; matchBy: readonly MatchRule[] },
): ContactDecision {
  const excluded = exclusionOf(c);
  if (excluded) return { outcome: 'skipped', reason: excluded };
  if (ctx.linked) {
    const by = ctx.linked.linkedBy;
    if (by?.source === ctx.source) {
      return by.reason === 'created' ? { outcome: 'created' } : { outcome: 'linked', customerId: ctx.linked.id, rule: (by.rule ?? 'email') as MatchRule };
    }
    return { outcome: 'skipped', reason: 'already_linked', customerId: ctx.linked.id };
  }
  const candidates = ctx.candidates.filter((p) => !(p.linkedBy?.source === ctx.source && p.linkedBy.reason === 'created'));
  const match = findMatch(c, candidates, ctx.matchBy);
  if (!match) return { outcome: 'created' };
  if (match.customers.length > 1) return { outcome: 'ambiguous', reason: 'several_customers', rule: match.rule, customers: match.customers };
  const [p] = match.customers;
  const linkedElsewhere = p.xeroContactId && p.xeroContactId !== c.xeroContactId && p.linkedBy?.source !== ctx.source;
  if (linkedElsewhere) return { outcome: 'ambiguous', reason: 'customer_linked_elsewhere', rule: match.rule, customers: [p] };
  return { outcome: 'linked', customerId: p.id, rule: match.rule };
}

/**
 * Two contacts of one import matching one POS customer: the customer's claimants, in the order the
 * import met them. The first keeps the link only while it is alone; every claimant of a customer
 * claimed twice is ambiguous and the customer is left unlinked.
 */
export function claimOutcome(claimants: readonly string[], contactId: string): 'link' | 'ambiguous' {
  return claimants.length === 1 && claimants[0] === contactId ? 'link' : 'ambiguous';
}

/** The Xero side of a customer an import linked or created: synced at `version` (nothing to push), saying where it came from. */
export function importedLink(
  current: XeroLink,
  r: { contactId: string; version: number; source: string; reason: LinkOrigin['reason']; rule?: MatchRule; at: string },
): XeroLink {
  return {
    ...current,
    status: 'synced',
    contactId: r.contactId,
    pendingFields: [],
    syncedVersion: r.version,
    lastError: undefined,
    drift: undefined,
    linkedBy: { reason: r.reason, source: r.source, ...(r.rule ? { rule: r.rule } : {}), at: r.at },
  };
}

/** Undoes a link import `source` made (two of its contacts matched the customer): the customer is not linked again. */
export function undoImportedLink(current: XeroLink, contactId: string, source: string): XeroLink | undefined {
  if (current.contactId !== contactId || current.linkedBy?.source !== source) return undefined;
  return { ...current, status: 'not_linked', contactId: undefined, linkedBy: undefined, syncedVersion: undefined, pendingFields: [] };
}
