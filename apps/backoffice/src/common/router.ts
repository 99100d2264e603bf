import { useEffect, useState } from 'react';

/** Screens are addressed by the hash (`#/customers/<id>`), so the static server needs no routes. */
export type Route =
  | { screen: 'customers' }
  | { screen: 'new-customer' }
  | { screen: 'customer'; id: string }
  | { screen: 'connection' }
  | { screen: 'imports' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'customers' && parts[1] === 'new') return { screen: 'new-customer' };
  if (parts[0] === 'customers' && parts[1]) return { screen: 'customer', id: parts[1] };
  if (parts[0] === 'connection') return { screen: 'connection' };
  if (parts[0] === 'imports') return { screen: 'imports' };
  return { screen: 'customers' };
}

export const href = {
  customers: () => '#/customers',
  newCustomer: () => '#/customers/new',
  customer: (id: string) => `#/customers/${encodeURIComponent(id)}`,
  connection: () => '#/connection',
  imports: () => '#/imports',
};

export function go(to: string): void {
  window.location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
