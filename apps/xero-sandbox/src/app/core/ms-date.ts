/** Microsoft JSON dates as Xero sends them: `/Date(1573755038314)/` and `/Date(1503348544227+0000)/`. */
export function msDate(ms: number, withOffset = false): string {
  return withOffset
    ? `/Date(${Math.trunc(ms)}+0000)/`
    : `/Date(${Math.trunc(ms)})/`;
}

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

export function parseMsDate(value: string): number | undefined {
  const m = MS_DATE.exec(value);
  return m ? Number(m[1]) : undefined;
}

export function isMsDate(value: unknown): boolean {
  return typeof value === 'string' && MS_DATE.test(value);
}

/**
 * Xero's "UTC without offset" timestamps as used by the identity and webhook services, e.g.
 * `2019-12-07T18:46:19.5165400` (connections) and `2024-06-21T01:15:39.902` (webhook events).
 */
export function xeroUtcTimestamp(
  ms: number,
  fractionDigits: 3 | 7 = 3,
): string {
  const iso = new Date(ms).toISOString(); // 2024-06-21T01:15:39.902Z
  const base = iso.slice(0, 23);
  return fractionDigits === 7 ? `${base}0000` : base;
}

/**
 * Parses an If-Modified-Since value: ISO 8601 (what xero-node sends, `Date.toISOString()`), ISO without an
 * offset (taken as UTC, as Xero does), or an RFC 7231 HTTP date. Returns undefined when unreadable.
 */
export function parseIfModifiedSince(
  value: string | undefined,
): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(v)) {
    const t = Date.parse(v.includes('T') ? `${v}Z` : `${v}T00:00:00Z`);
    return Number.isNaN(t) ? undefined : t;
  }
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}
