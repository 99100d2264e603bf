import { useState } from 'react';
import type { ApiClient } from '../api/client';
import type { XeroConnection } from '../api/types';
import { Alert } from '../common/Alert';
import { errorText, when } from '../common/format';
import { usePoll } from '../common/use-poll';

const WORDS: Record<XeroConnection['status'], { title: string; next: string }> = {
  connected: { title: 'Connected', next: 'Customer changes go to this organisation.' },
  disconnected: { title: 'Not connected', next: 'Connect a Xero organisation to push customers and import contacts.' },
  expired: { title: 'Connection expired', next: 'Xero no longer accepts our access. Reconnect to resume pushing; nothing is lost meanwhile.' },
};

/** The retailer's Xero organisation: status, and Connect / Reconnect through Xero's own sign-in. */
export function ConnectionPage({ api }: { api: ApiClient }) {
  const conn = usePoll(() => api.connection(), 'connection', 5000);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function connect() {
    setBusy(true);
    setError(undefined);
    try {
      window.location.assign(await api.connectUrl());
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  const c = conn.data;
  const words = c ? WORDS[c.status] : undefined;
  return (
    <section className="panel" aria-labelledby="conn-h">
      <h1 id="conn-h">Xero connection</h1>
      {conn.error !== undefined && <Alert tone="error">Could not read the connection: {errorText(conn.error)}</Alert>}
      {c && words && (
        <div className={`connection status-${c.status}`} data-status={c.status}>
          <p className="connection-status">
            <span className={`dot dot-${c.status}`} aria-hidden="true" /> <strong>{words.title}</strong>
            {c.organisationName && <> to <strong>{c.organisationName}</strong></>}
          </p>
          <p>{words.next}</p>
          {c.changedAt && <p className="muted">Since {when(c.changedAt)}</p>}
          {c.status !== 'connected' ? (
            <button type="button" className="button primary" disabled={busy} onClick={() => void connect()}>
              {c.status === 'expired' ? 'Reconnect to Xero' : 'Connect to Xero'}
            </button>
          ) : (
            <button type="button" className="button" disabled={busy} onClick={() => void connect()}>
              Connect a different organisation
            </button>
          )}
          <p className="muted">You sign in at Xero and choose the organisation, then come back to this page.</p>
        </div>
      )}
      {error && <Alert tone="error">Could not start connecting: {error}</Alert>}
    </section>
  );
}
