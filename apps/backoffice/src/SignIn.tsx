import { useState } from 'react';
import { ApiClient, ApiError } from './api/client';
import { Alert } from './common/Alert';
import { errorText } from './common/format';

/** Sign in with the retailer's API key (kept for this browser session only). */
export function SignIn({ onSignedIn, problem }: { onSignedIn: (key: string) => void; problem?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(problem);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await new ApiClient(key.trim()).checkKey();
      onSignedIn(key.trim());
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'That API key is not known. Check it and try again.' : errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <form className="panel" onSubmit={(e) => void submit(e)} aria-labelledby="signin-h">
        <h1 id="signin-h">POS back office</h1>
        <p>Sign in with your retailer API key. It is kept in this browser tab until you sign out or close it.</p>
        {error && <Alert tone="error">{error}</Alert>}
        <div className="field">
          <label htmlFor="api-key">API key</label>
          <input id="api-key" type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(e) => setKey(e.target.value)} />
        </div>
        <button type="submit" className="button primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
