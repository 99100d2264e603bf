import type { XeroLink, XeroStatus } from '../api/types';
import { label, when } from '../common/format';

export type Tone = 'none' | 'red' | 'blue' | 'amber';

/** What a Xero icon says: the state, what happens next, and whether clicking it pushes now. */
export interface StatusView {
  kind: XeroStatus | 'rate_limited' | 'drifted';
  tone: Tone;
  title: string;
  next: string;
  reason?: string;
  hint?: string;
  canPush: boolean;
}

/** The one place that turns a customer's Xero state into words and an action. */
export function statusView(status: XeroStatus, link?: XeroLink | null): StatusView {
  const err = link?.lastError ?? null;
  const driftFields = link?.drift ? Object.keys(link.drift) : [];
  if (status === 'failed' && err?.kind === 'rate_limited') {
    return {
      kind: 'rate_limited',
      tone: 'amber',
      title: "Waiting for Xero's limit",
      next: err.retryAt ? `Pushes again by itself at ${when(err.retryAt)}.` : 'Pushes again by itself when Xero allows.',
      reason: err.message,
      hint: err.hint,
      canPush: true,
    };
  }
  if (status === 'failed') {
    return {
      kind: 'failed',
      tone: 'red',
      title: 'Xero refused the change',
      next: 'Fix what Xero says, then Save or click to push again.',
      reason: err?.message,
      hint: err?.hint,
      canPush: true,
    };
  }
  if (status === 'pending') {
    const fields = link?.pendingFields?.length ? `Waiting: ${link.pendingFields.map(label).join(', ')}` : undefined;
    const next =
      link && link.connection.status !== 'connected'
        ? 'Waits until Xero is connected (see Xero connection); then it goes by itself.'
        : 'Goes to Xero shortly; click to push now.';
    return { kind: 'pending', tone: 'red', title: 'Not in Xero yet', reason: fields, next, canPush: true };
  }
  if (driftFields.length) {
    return {
      kind: 'drifted',
      tone: 'amber',
      title: 'Edited in Xero',
      next: `The next edit or on-account sale overwrites in Xero: ${driftFields.map(label).join(', ')}.`,
      canPush: false,
    };
  }
  if (status === 'synced') return { kind: 'synced', tone: 'blue', title: 'Up to date in Xero', next: 'Nothing to do.', canPush: false };
  return {
    kind: 'not_linked',
    tone: 'none',
    title: 'Not linked to Xero',
    next: 'An on-account sale or Push now creates the Xero contact.',
    canPush: false,
  };
}

export function describe(v: StatusView): string {
  return [v.title, v.reason, v.hint, v.next].filter(Boolean).join('. ').replace(/\.\./g, '.');
}
