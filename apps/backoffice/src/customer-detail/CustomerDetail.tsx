import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/client';
import type { Customer } from '../api/types';
import { Alert } from '../common/Alert';
import { customerName, errorText, when } from '../common/format';
import { go, href } from '../common/router';
import { usePoll } from '../common/use-poll';
import { CustomerForm } from './CustomerForm';
import { SaleForm } from './SaleForm';
import { XeroPanel } from './XeroPanel';
import type { FormValues } from './customer-form';
import { toBody, toForm, withoutField } from './customer-form';
import { FIX_FIELDS, saveProblems } from './save-errors';

const POLL_MS = 3000;

/** One customer: every field to edit (Save sends what changed with If-Match), the Xero panel, a sale. */
export function CustomerDetail({ api, id }: { api: ApiClient; id: string }) {
  const [customer, setCustomer] = useState<Customer>();
  const [etag, setEtag] = useState<string | null>(null);
  const [loaded, setLoaded] = useState<FormValues>();
  const [values, setValues] = useState<FormValues>();
  const [problems, setProblems] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<{ tone: 'error' | 'success' | 'info'; text: string }>();
  const [loadError, setLoadError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [pushing, setPushing] = useState(false);
  const link = usePoll(() => api.xeroLink(id), id, POLL_MS);

  async function load() {
    try {
      const { body, etag: tag } = await api.getCustomer(id);
      setCustomer(body);
      setEtag(tag);
      setLoaded(toForm(body));
      setValues(toForm(body));
      setProblems({});
      setLoadError(undefined);
    } catch (e) {
      setLoadError(e);
    }
  }

  useEffect(() => {
    void load();
  }, [id]); // load is redefined each render; the customer to load is what matters


  async function save(e: React.FormEvent) {
    e.preventDefault();
    if (!values || !loaded) return;
    const patch = toBody(values, loaded);
    if (Object.keys(patch).length === 0) return setMessage({ tone: 'info', text: 'Nothing changed.' });
    setSaving(true);
    setMessage(undefined);
    try {
      const { body, etag: tag } = await api.updateCustomer(id, patch, etag);
      setCustomer(body);
      setEtag(tag);
      setLoaded(toForm(body));
      setValues(toForm(body));
      setProblems({});
      setMessage({ tone: 'success', text: 'Saved. The change is on its way to Xero.' });
      void link.reload();
    } catch (err) {
      const p = saveProblems(err);
      setProblems(p.fields);
      setMessage({ tone: 'error', text: p.summary });
    } finally {
      setSaving(false);
    }
  }

  async function push() {
    setPushing(true);
    try {
      await api.pushNow(id);
      await link.reload();
    } catch (e) {
      setMessage({ tone: 'error', text: `Push refused: ${errorText(e)}` });
    } finally {
      setPushing(false);
    }
  }

  async function remove() {
    if (!window.confirm('Delete this customer from the POS? Xero keeps its contact.')) return;
    try {
      await api.deleteCustomer(id, etag);
      go(href.customers());
    } catch (e) {
      setMessage({ tone: 'error', text: saveProblems(e).summary });
    }
  }

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return <Alert tone="error">{notFound ? 'No such customer.' : `Could not load the customer: ${errorText(loadError)}`}</Alert>;
  }
  if (!customer || !values) return <p aria-live="polite">Loading…</p>;
  const stale = link.data && link.data.version > customer.version;

  return (
    <div className="detail">
      <p>
        <a href={href.customers()}>← Customers</a>
      </p>
      <h1>{customerName(customer)}</h1>
      <p className="muted">
        Version {customer.version} · updated {when(customer.updatedAt)}
      </p>
      <div className="detail-grid">
        <form className="panel" aria-labelledby="edit-h" onSubmit={(e) => void save(e)} noValidate>
          <h2 id="edit-h">Details</h2>
          {message && !(message.text === FIX_FIELDS && Object.keys(problems).length === 0) && <Alert tone={message.tone}>{message.text}</Alert>}
          {stale && (
            <Alert tone="info">
              This customer was changed elsewhere.{' '}
              <button type="button" className="link" onClick={() => void load()}>
                Reload
              </button>
            </Alert>
          )}
          <CustomerForm
            values={values}
            problems={problems}
            onChange={(v, field) => {
              setValues(v);
              setProblems((p) => withoutField(p, field));
            }}
          />
          <div className="actions">
            <button type="submit" className="button primary" disabled={saving}>
              {saving ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="button" onClick={() => setValues(loaded)} disabled={saving}>
              Undo changes
            </button>
            {message?.text.startsWith('Someone else') && (
              <button type="button" className="button" onClick={() => void load()}>
                Reload
              </button>
            )}
            <button type="button" className="button danger" onClick={() => void remove()}>
              Delete
            </button>
          </div>
        </form>
        <div className="side">
          {link.data ? (
            <XeroPanel link={link.data} busy={pushing} onPush={() => void push()} />
          ) : (
            link.error !== undefined && <Alert tone="error">Could not load the Xero status: {errorText(link.error)}</Alert>
          )}
          <SaleForm api={api} customerId={id} onRecorded={() => void link.reload()} />
        </div>
      </div>
    </div>
  );
}
