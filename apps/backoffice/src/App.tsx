import { useMemo, useState } from 'react';
import { ApiClient } from './api/client';
import { SignIn } from './SignIn';
import { ConnectionPage } from './connection/ConnectionPage';
import { CustomerDetail } from './customer-detail/CustomerDetail';
import { NewCustomer } from './customer-detail/NewCustomer';
import { CustomerList } from './customers/CustomerList';
import { ImportsPage } from './imports/ImportsPage';
import { href, useRoute } from './common/router';
import { forgetKey, saveKey, savedKey, takeKeyFromUrl } from './session';

const fromLink = takeKeyFromUrl();
if (fromLink) saveKey(fromLink);

export function App() {
  const [key, setKey] = useState<string | null>(() => savedKey());
  const [problem, setProblem] = useState<string>();
  const route = useRoute();
  const api = useMemo(
    () =>
      key
        ? new ApiClient(key, () => {
            forgetKey();
            setKey(null);
            setProblem('Your API key was refused. Sign in again.');
          })
        : null,
    [key],
  );

  if (!api) {
    return (
      <SignIn
        problem={problem}
        onSignedIn={(k) => {
          saveKey(k);
          setProblem(undefined);
          setKey(k);
        }}
      />
    );
  }

  const nav: [string, string, boolean][] = [
    ['Customers', href.customers(), route.screen === 'customers' || route.screen === 'customer' || route.screen === 'new-customer'],
    ['Import from Xero', href.imports(), route.screen === 'imports'],
    ['Xero connection', href.connection(), route.screen === 'connection'],
  ];
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById('main')?.focus())}>
        Skip to content
      </a>
      <header className="top">
        <span className="brand">POS back office</span>
        <nav aria-label="Main">
          <ul>
            {nav.map(([text, to, current]) => (
              <li key={to}>
                <a href={to} aria-current={current ? 'page' : undefined}>
                  {text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button
          type="button"
          className="button small"
          onClick={() => {
            forgetKey();
            setKey(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {route.screen === 'customers' && <CustomerList api={api} />}
        {route.screen === 'new-customer' && <NewCustomer api={api} />}
        {route.screen === 'customer' && <CustomerDetail key={route.id} api={api} id={route.id} />}
        {route.screen === 'connection' && <ConnectionPage api={api} />}
        {route.screen === 'imports' && <ImportsPage api={api} />}
      </main>
    </>
  );
}
