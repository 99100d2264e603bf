import type { XeroLink } from '../api/types';
import { label, when } from '../common/format';
import { XeroIcon } from '../customers/XeroIcon';
import { statusView } from '../customers/xero-status';

const OUTCOME: Record<string, string> = { succeeded: 'Pushed', failed: 'Refused', retrying: 'Retrying' };

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '(empty)';
  return typeof v === 'object' ? Object.values(v as object).filter(Boolean).join(', ') : String(v);
}

/** The customer's Xero side: state and next step, what is waiting, what went wrong, what Xero changed, history. */
export function XeroPanel({ link, busy, onPush }: { link: XeroLink; busy: boolean; onPush: () => void }) {
  const view = statusView(link.status, link);
  return (
    <section className="panel xero-panel" aria-labelledby="xero-h" data-status={view.kind}>
      <h2 id="xero-h">Xero</h2>
      <div className="xero-state">
        <XeroIcon view={view} busy={busy} onPush={onPush} showLabel />
        <p className="next">{view.next}</p>
      </div>
      {link.lastError && (
        <div className="xero-error" role="alert">
          <p>
            <strong>Xero says:</strong> {link.lastError.message}
          </p>
          {link.lastError.hint && (
            <p>
              <strong>How to fix it:</strong> {link.lastError.hint}
            </p>
          )}
          {link.lastError.retryAt && <p>Retries by itself at {when(link.lastError.retryAt)}.</p>}
          <p className="muted">
            Version {link.lastError.version}, {when(link.lastError.at)}
          </p>
        </div>
      )}
      <dl className="facts">
        <dt>Organisation</dt>
        <dd>{link.connection.organisationName ?? `not connected (${link.connection.status})`}</dd>
        <dt>Waiting to push</dt>
        <dd>{link.pendingFields.length ? link.pendingFields.map(label).join(', ') : 'nothing'}</dd>
        <dt>Xero contact</dt>
        <dd>{link.contactId ?? 'none yet'}</dd>
      </dl>
      {(view.canPush || view.kind === 'not_linked') && (
        <button type="button" className="button primary" disabled={busy} onClick={onPush}>
          {view.kind === 'not_linked' ? 'Create in Xero now' : 'Push to Xero now'}
        </button>
      )}{' '}
      {link.viewUrl && (
        <a className="button" href={link.viewUrl} target="_blank" rel="noopener noreferrer">
          View on Xero<span className="visually-hidden"> (opens a new tab)</span>
        </a>
      )}
      {link.drift && Object.keys(link.drift).length > 0 && (
        <div className="drift">
          <h3>Edited in Xero</h3>
          <p>The next edit or on-account sale overwrites these in Xero with the POS values:</p>
          <table>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">POS (kept)</th>
                <th scope="col">Xero (overwritten)</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(link.drift).map(([f, d]) => (
                <tr key={f}>
                  <th scope="row">{label(f)}</th>
                  <td>{show(d.pos)}</td>
                  <td>{show(d.xero)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <details className="history" open={link.history.length > 0 && link.history.length <= 5}>
        <summary>Push history ({link.history.length})</summary>
        {link.history.length === 0 ? (
          <p className="muted">Nothing pushed yet.</p>
        ) : (
          <ol>
            {link.history.map((h, i) => (
              <li key={`${h.at}-${i}`} className={`outcome-${h.outcome}`}>
                <strong>{OUTCOME[h.outcome] ?? h.outcome}</strong> version {h.version}
                {h.fields.length ? `: ${h.fields.map(label).join(', ')}` : ''} <span className="muted">{when(h.at)}</span>
                {h.error && <div className="muted">{h.error}</div>}
              </li>
            ))}
          </ol>
        )}
      </details>
    </section>
  );
}
