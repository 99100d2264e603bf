/**
 * Every enumeration that crosses a service boundary (an event payload, the HTTP API the POS reads),
 * defined once. A project of its own inside the contracts (tag `type:enums`: plain data, no
 * imports), so the domain libraries can use the enumerations without the event classes and their
 * validators: they import `@pos/sync-contracts/enums`; everything else imports `@pos/sync-contracts`,
 * which re-exports this.
 */

/** Why a `customer.changed` event was published (DESIGN §4). */
export const CHANGE_REASONS = ['created', 'updated', 'on_account_sale', 'manual_push', 'imported', 'linked', 'unlinked'] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

/** A change that asks for every mapped field to be pushed (creating the contact when unlinked). */
export const FULL_PUSH_REASONS: readonly ChangeReason[] = ['on_account_sale', 'manual_push', 'unlinked'];
/** A change that drops the customer's link to its contact (the next push creates a new contact). */
export const UNLINK_REASONS: readonly ChangeReason[] = ['unlinked'];

/** Why Xero did not take a push (`customer.sync-failed` error.kind, DESIGN §4). */
export const SYNC_ERROR_KINDS = ['validation', 'name_taken', 'archived', 'auth', 'not_connected', 'rate_limited', 'unavailable'] as const;
export type SyncErrorKind = (typeof SYNC_ERROR_KINDS)[number];

/** A retailer's Xero connection (`xero.connection-changed` status). */
export const CONNECTION_STATUSES = ['connected', 'disconnected', 'expired'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** The Xero icon of a customer: not linked, red (pending), blue (synced), or failed with Xero's reason. */
export const XERO_STATUSES = ['not_linked', 'pending', 'synced', 'failed'] as const;
export type XeroStatus = (typeof XERO_STATUSES)[number];

/** How one push attempt ended, as the customer's push history shows it. */
export const PUSH_OUTCOMES = ['succeeded', 'failed', 'retrying'] as const;
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];

/**
 * How "Import from Xero" matches a contact to an existing customer: the rules the retailer may ask
 * for, in the default order (the first rule that finds any POS customer decides).
 */
export const MATCH_BY = ['contactNumber', 'accountNumber', 'nameAndEmail', 'email'] as const;
export type MatchBy = (typeof MATCH_BY)[number];
export const DEFAULT_MATCH_BY: readonly MatchBy[] = MATCH_BY;

/** A Xero contact's ContactStatus, as an import page carries it. */
export const CONTACT_STATUSES = ['ACTIVE', 'ARCHIVED', 'GDPRREQUEST'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** How an import ended (`xero.import-finished` status). */
export const IMPORT_STATUSES = ['completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** An import job as the POS sees it (GET /api/imports/:id status). */
export const IMPORT_JOB_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];
/** A job in one of these holds the retailer's "current import" slot. */
export const ACTIVE_IMPORT_JOB_STATUSES: readonly ImportJobStatus[] = ['queued', 'running'];
