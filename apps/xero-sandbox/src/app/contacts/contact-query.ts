import { isUuid } from '../core/ids';
import { StoredContact } from './contact';
import {
  WhereParseError,
  fieldType,
  fieldValue,
  parseWhere,
  resolveField,
} from './where-clause';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export interface ContactQuery {
  where?: string;
  order?: string;
  ids?: string[];
  page?: number;
  pageSize?: number;
  includeArchived?: boolean;
  searchTerm?: string;
  /** If-Modified-Since, ms since epoch: only contacts updated after it. */
  modifiedSince?: number;
  /** Fields the reply leaves out (summaryOnly): a where naming one is refused. */
  unavailableFields?: readonly string[];
}

export interface Pagination {
  page: number;
  pageSize: number;
  pageCount: number;
  itemCount: number;
}

export interface ContactQueryResult {
  contacts: StoredContact[];
  pagination?: Pagination;
}

export class QueryError extends Error {}

type Comparator = (a: StoredContact, b: StoredContact) => number;

function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === '') return -1; // nulls first, as SQL orders them ascending
  if (b === undefined || b === '') return 1;
  if (typeof a === 'string' && typeof b === 'string') {
    const la = a.toLowerCase();
    const lb = b.toLowerCase();
    if (la !== lb) return la < lb ? -1 : 1;
    return a < b ? -1 : 1;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a ? 1 : -1;
  return (a as number) < (b as number) ? -1 : 1;
}

/**
 * `order=Name ASC, UpdatedDateUTC DESC`. Default (and tie-break): UpdatedDateUTC ascending, then ContactID,
 * Xero's default order for GET /Contacts (the order its paging is stable in).
 */
export function parseOrder(order: string | undefined): Comparator {
  const parts: Array<{ field: string; dir: 1 | -1 }> = [];
  for (const raw of (order ?? '').split(',')) {
    const s = raw.trim();
    if (!s) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\s+(ASC|DESC))?$/i.exec(s);
    if (!m) throw new WhereParseError(`Invalid order clause '${s}'`);
    const field = resolveField(m[1]);
    if (!field)
      throw new WhereParseError(
        `No property or field '${m[1]}' exists in type 'Contact'`,
      );
    void fieldType(field);
    parts.push({ field, dir: m[2]?.toUpperCase() === 'DESC' ? -1 : 1 });
  }
  parts.push(
    { field: 'UpdatedDateUTC', dir: 1 },
    { field: 'ContactID', dir: 1 },
  );
  return (a, b) => {
    for (const p of parts) {
      const d = compareValues(fieldValue(a, p.field), fieldValue(b, p.field));
      if (d !== 0) return d * p.dir;
    }
    return 0;
  };
}

function matchesSearch(c: StoredContact, term: string): boolean {
  const t = term.toLowerCase();
  return [
    c.Name,
    c.FirstName,
    c.LastName,
    c.ContactNumber,
    c.EmailAddress,
  ].some((v) => typeof v === 'string' && v.toLowerCase().includes(t));
}

/** GET /Contacts semantics: filters, order, then paging when a page is asked for. */
export function runContactQuery(
  all: Iterable<StoredContact>,
  q: ContactQuery,
): ContactQueryResult {
  const predicate = parseWhere(q.where ?? '', {
    unavailable: q.unavailableFields,
  });
  const comparator = parseOrder(q.order);
  let ids: Set<string> | undefined;
  if (q.ids && q.ids.length > 0) {
    for (const id of q.ids)
      if (!isUuid(id))
        throw new QueryError(`'${id}' is not a valid GUID in IDs`);
    ids = new Set(q.ids.map((id) => id.toLowerCase()));
  }
  if (
    q.page !== undefined &&
    q.pageSize !== undefined &&
    (q.pageSize < 1 || q.pageSize > MAX_PAGE_SIZE)
  ) {
    throw new QueryError(`pageSize must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  const matched: StoredContact[] = [];
  for (const c of all) {
    if (!q.includeArchived && c.ContactStatus !== 'ACTIVE') continue;
    if (ids && !ids.has(c.ContactID)) continue;
    if (q.modifiedSince !== undefined && !(c.UpdatedDateUTC > q.modifiedSince))
      continue;
    if (q.searchTerm && !matchesSearch(c, q.searchTerm)) continue;
    if (!predicate(c)) continue;
    matched.push(c);
  }
  matched.sort(comparator);
  if (q.page === undefined) return { contacts: matched };
  const page = Math.max(1, Math.trunc(q.page));
  const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
  const start = (page - 1) * pageSize;
  return {
    contacts: matched.slice(start, start + pageSize),
    pagination: {
      page,
      pageSize,
      pageCount: Math.ceil(matched.length / pageSize),
      itemCount: matched.length,
    },
  };
}
