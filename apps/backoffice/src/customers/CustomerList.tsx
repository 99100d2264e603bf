import { useState } from 'react';
import type { ApiClient } from '../api/client';
import type { Customer, XeroLink, XeroStatus } from '../api/types';
import { XERO_STATUSES } from '../api/types';
import { Alert } from '../common/Alert';
import { contactLine, customerName, errorText } from '../common/format';
import { href } from '../common/router';
import { useDebounced, usePoll } from '../common/use-poll';
import { XeroIcon } from './XeroIcon';
import type { StatusView } from './xero-status';
import { statusView } from './xero-status';

const PAGE_SIZE = 20;
const POLL_MS = 3000;
const FILTER_LABELS: Record<XeroStatus, string> = {
  not_linked: 'Not linked',
  pending: 'Pending (red)',
  synced: 'Synced (blue)',
  failed: 'Failed',
};

/** Rows that say more than the icon: why Xero refused, when it resumes, what Xero changed. */
const NOTED = new Set(['failed', 'rate_limited', 'drifted']);

/** Xero's reason and hint for a refusal; the reason and when it resumes for a limit; what drifted. */
function rowNote(v: StatusView): string {
  if (v.kind === 'failed') return [v.reason, v.hint].filter(Boolean).join(' — ');
  if (v.kind === 'rate_limited') return [v.reason, v.next].filter(Boolean).join(' — ');
  return v.next;
}

interface Row {
  customer: Customer;
  link: XeroLink | null;
}

/** The customer list: search as you type, filter by Xero status, page; the icons follow live. */
export function CustomerList({ api }: { api: ApiClient }) {
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<XeroStatus | ''>('');
  const [page, setPage] = useState(1);
  const [pushing, setPushing] = useState<Record<string, boolean>>({});
  const [pushError, setPushError] = useState<string>();
  const query = useDebounced(q.trim(), 250);

  const list = usePoll(
    async () => {
      const res = await api.searchCustomers({ q: query, xeroStatus: status, page, pageSize: PAGE_SIZE });
      // The list carries the status only; reasons, hints and drift come from each linked customer's Xero link.
      const rows: Row[] = await Promise.all(
        res.items.map(async (customer) => ({
          customer,
          link: customer.xeroStatus === 'not_linked' ? null : await api.xeroLink(customer.id).catch(() => null),
        })),
      );
      return { rows, total: res.total };
    },
    `${query}|${status}|${page}`,
    POLL_MS,
  );

  async function push(id: string) {
    setPushing((p) => ({ ...p, [id]: true }));
    setPushError(undefined);
    try {
      await api.pushNow(id);
      await list.reload();
    } catch (e) {
      setPushError(errorText(e));
    } finally {
      setPushing((p) => ({ ...p, [id]: false }));
    }
  }

  const total = list.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <section aria-labelledby="customers-h">
      <div className="screen-head">
        <h1 id="customers-h">Customers</h1>
        <a className="button primary" href={href.newCustomer()}>
          New customer
        </a>
      </div>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={q}
            placeholder="Name, email, code or phone"
            onChange={(e) => {
              setQ(e.target.value);
              setPage(1);
            }}
          />
        </label>
        <label>
          Xero status
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as XeroStatus | '');
              setPage(1);
            }}
          >
            <option value="">Any</option>
            {XERO_STATUSES.map((s) => (
              <option key={s} value={s}>
                {FILTER_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
      </form>
      {list.error !== undefined && <Alert tone="error">Could not load customers: {errorText(list.error)}</Alert>}
      {pushError && <Alert tone="error">Push refused: {pushError}</Alert>}
      <p className="muted" aria-live="polite">
        {list.loading && !list.data ? 'Loading…' : `${total} customer${total === 1 ? '' : 's'}`}
      </p>
      <ul className="customer-list" aria-label="Customers">
        {list.data?.rows.map(({ customer: c, link }) => {
          const view = statusView(c.xeroStatus, link);
          return (
            <li key={c.id} className="customer-row" data-customer-id={c.id}>
              <XeroIcon view={view} busy={pushing[c.id]} onPush={() => void push(c.id)} />
              <div className="customer-main">
                <a href={href.customer(c.id)} className="customer-name">
                  {customerName(c)}
                </a>
                <span className="muted">{contactLine(c)}</span>
                {NOTED.has(view.kind) && (
                  <span className={`row-note tone-text-${view.tone}`}>{rowNote(view)}</span>
                )}
              </div>
              {c.customerCode && <span className="code">{c.customerCode}</span>}
            </li>
          );
        })}
      </ul>
      {list.data && list.data.rows.length === 0 && <p>No customers match.</p>}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
          Previous
        </button>
        <span aria-current="page">
          Page {page} of {pages}
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
          Next
        </button>
      </nav>
    </section>
  );
}
