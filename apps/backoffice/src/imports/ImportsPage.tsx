import { useEffect, useState } from 'react';
import type { ApiClient } from '../api/client';
import { ApiError } from '../api/client';
import type { ImportJob, MatchRule } from '../api/types';
import { MATCH_RULES } from '../api/types';
import { Alert } from '../common/Alert';
import { errorText, when } from '../common/format';
import { href } from '../common/router';
import { usePoll } from '../common/use-poll';
import { ImportProgress } from './ImportProgress';
import { RULE_WORDS, STATUS_WORDS, isFinal } from './import-words';

const FOLLOW_MS = 1500;
const notDeployed = (e: unknown) => e instanceof ApiError && e.status === 404;
const NOT_DEPLOYED = 'Importing from Xero is not available on this server yet (the import API answers 404). Ask for the import feature to be deployed.';

/** Import Customers → Import from Xero: preview, start, follow, cancel; past imports below. */
export function ImportsPage({ api }: { api: ApiClient }) {
  const [rules, setRules] = useState<MatchRule[]>([...MATCH_RULES]);
  const [current, setCurrent] = useState<ImportJob>();
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  const past = usePoll(() => api.imports(1, 10), 'imports', 10_000);

  // Follow the current job until it finishes.
  useEffect(() => {
    if (!current || isFinal(current)) return;
    const t = setTimeout(() => {
      api.getImport(current.id).then(setCurrent, (e) => setMessage(errorText(e)));
    }, FOLLOW_MS);
    return () => clearTimeout(t);
  }, [api, current]);

  // Pick up an import that is already running when the page opens.
  useEffect(() => {
    if (!current && past.data) {
      const running = past.data.items.find((j) => !isFinal(j));
      if (running) setCurrent(running);
    }
  }, [current, past.data]);

  useEffect(() => {
    if (current && isFinal(current)) void past.reload();
  }, [current?.status]); // reload the list once when the followed job finishes


  async function start(dryRun: boolean) {
    setBusy(true);
    setMessage(undefined);
    try {
      setCurrent(await api.startImport(dryRun, rules));
      void past.reload();
    } catch (e) {
      if (notDeployed(e)) setMessage(NOT_DEPLOYED);
      else if (e instanceof ApiError && e.status === 409) {
        const running = !Array.isArray(e.body.details) ? (e.body.details?.['importId'] ?? e.body.details?.['id']) : undefined;
        setMessage(e.message);
        if (typeof running === 'string') api.getImport(running).then(setCurrent, () => undefined);
      } else setMessage(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    if (!current) return;
    setBusy(true);
    try {
      const j = await api.cancelImport(current.id);
      setCurrent(j && j.id ? j : await api.getImport(current.id));
    } catch (e) {
      setMessage(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (r: MatchRule, on: boolean) => setRules((rs) => MATCH_RULES.filter((x) => (x === r ? on : rs.includes(x))));
  const running = current && !isFinal(current);
  const offline = notDeployed(past.error);

  return (
    <div className="imports">
      <section className="panel" aria-labelledby="imp-h">
        <h1 id="imp-h">Import from Xero</h1>
        <p>
          Brings in Xero contacts that are customers or general contacts (not suppliers only). A contact that matches a customer already in the POS
          is linked to it instead of duplicated; one that matches several is left for you. Preview first: a dry run changes nothing.
        </p>
        <fieldset>
          <legend>Match existing customers by (in this order)</legend>
          {MATCH_RULES.map((r) => (
            <label key={r} className="check">
              <input type="checkbox" checked={rules.includes(r)} onChange={(e) => toggle(r, e.target.checked)} disabled={running} /> {RULE_WORDS[r]}
            </label>
          ))}
        </fieldset>
        <div className="actions">
          <button type="button" className="button" disabled={busy || running || offline} onClick={() => void start(true)}>
            Preview (dry run)
          </button>
          <button type="button" className="button primary" disabled={busy || running || offline} onClick={() => void start(false)}>
            Import now
          </button>
        </div>
        <p className="muted">
          Needs a Xero connection: see <a href={href.connection()}>Xero connection</a>.
        </p>
        {(message || offline) && <Alert tone={offline ? 'info' : 'error'}>{offline ? NOT_DEPLOYED : message}</Alert>}
        {current && <ImportProgress job={current} onCancel={() => void cancel()} cancelling={busy} />}
      </section>
      <section className="panel" aria-labelledby="past-h">
        <h2 id="past-h">Past imports</h2>
        {past.error !== undefined && !offline && <Alert tone="error">{errorText(past.error)}</Alert>}
        {past.data && past.data.items.length === 0 && <p className="muted">None yet.</p>}
        {past.data && past.data.items.length > 0 && (
          <table className="past-imports">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Linked</th>
                <th scope="col">Ambiguous</th>
                <th scope="col">
                  <span className="visually-hidden">Report</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {past.data.items.map((j) => (
                <tr key={j.id}>
                  <td>{when(j.createdAt)}</td>
                  <td>{j.dryRun ? 'Preview' : 'Import'}</td>
                  <td>{STATUS_WORDS[j.status] ?? j.status}</td>
                  <td>{j.created}</td>
                  <td>{j.linked}</td>
                  <td>{j.ambiguous}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setCurrent(j)}>
                      Show report
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
