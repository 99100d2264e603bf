/** The retailer's API key lives for this browser session only (sessionStorage), never in localStorage. */
const KEY = 'pos.backoffice.apiKey';

export function savedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function saveKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/**
 * A sign-in link (`/#key=pos_...`, printed by `npm start`) hands over the key once: it is read, kept
 * for the session and removed from the address bar and history.
 */
export function takeKeyFromUrl(): string | null {
  const m = /^#key=([^&]+)/.exec(window.location.hash);
  if (!m) return null;
  const key = decodeURIComponent(m[1]);
  history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/customers`);
  return key;
}
