import type { ImportJob, ImportProblem, Party } from '../api/types';

export const FINAL = new Set(['completed', 'failed', 'cancelled']);
export const isFinal = (j: ImportJob) => FINAL.has(j.status);

export const STATUS_WORDS: Record<ImportJob['status'], string> = {
  queued: 'Waiting to start',
  running: 'Importing',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled (what was applied stays)',
};

export const RULE_WORDS: Record<string, string> = {
  contactNumber: 'Contact number (the POS id Xero holds)',
  accountNumber: 'Account number = customer code',
  nameAndEmail: 'Same name and email',
  email: 'Same email',
};

const SKIP_WORDS: Record<string, string> = {
  supplierOnly: 'supplier only',
  archived: 'archived in Xero',
  alreadyLinked: 'already linked',
  cancelled: 'arrived after cancel',
};
export const skipWord = (k: string) => SKIP_WORDS[k] ?? k.replace(/([A-Z])/g, ' $1').toLowerCase();

/** 0..100, or undefined while the page count is unknown. */
export function percent(j: ImportJob): number | undefined {
  if (j.status === 'completed') return 100;
  if (!j.pageCount) return undefined;
  return Math.min(100, Math.round((j.pagesDone / j.pageCount) * 100));
}

export function skippedTotal(j: ImportJob): number {
  return Object.values(j.skipped ?? {}).reduce((a, b) => a + (Number(b) || 0), 0);
}

/** A contact or customer in a few words, whatever fields the report carries. */
export function partyText(p: Party | undefined): string {
  if (!p) return '';
  const pick = (...k: string[]) => k.map((x) => p[x]).find((v) => typeof v === 'string' && v) as string | undefined;
  const name = pick('name', 'Name', 'companyName') ?? [pick('firstName', 'FirstName'), pick('lastName', 'LastName')].filter(Boolean).join(' ');
  const extra = [pick('email', 'EmailAddress', 'emailAddress'), pick('accountNumber', 'AccountNumber', 'customerCode')].filter(Boolean).join(', ');
  return [name || pick('id', 'contactId', 'ContactID') || '(unnamed)', extra && `(${extra})`].filter(Boolean).join(' ');
}

export function problemCustomers(p: ImportProblem): Party[] {
  return p.customers ?? (p.customer ? [p.customer] : []);
}
