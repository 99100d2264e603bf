import { AuthorizeParams, OAuthClient } from './oauth-server';

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ] as string,
  );
}

/** A small stand-in for Xero's consent screen: pick organisations, allow or deny. */
export function consentPage(
  params: AuthorizeParams,
  client: OAuthClient,
  scope: string[],
  organisations: Array<{ tenantId: string; name: string }>,
  preselected: string[],
): string {
  const hidden = Object.entries(params)
    .filter(([k, v]) => v !== undefined && k !== 'tenant' && k !== 'consent')
    .map(
      ([k, v]) =>
        `<input type="hidden" name="${esc(k)}" value="${esc(String(v))}">`,
    )
    .join('\n');
  const orgs = organisations
    .map(
      (o, i) =>
        `<label><input type="radio" name="tenant" value="${esc(o.tenantId)}"${
          preselected.includes(o.tenantId) ||
          (preselected.length === 0 && i === 0)
            ? ' checked'
            : ''
        }> ${esc(o.name)}</label><br>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Xero sandbox – allow access</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>${esc(client.name)} wants access to your Xero organisation</h1>
<p>Requested: ${scope.map(esc).join(', ')}</p>
<form method="get" action="">
${hidden}
${orgs}
<p><button type="submit" name="consent" value="allow">Allow access</button>
<button type="submit" name="consent" value="deny">Cancel</button></p>
</form>
<p><small>Xero sandbox: no real Xero account is involved.</small></p>
</body></html>`;
}

export function errorPage(error: string, description: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Error</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>Error: ${esc(error)}</h1><p>${esc(description)}</p></body></html>`;
}
