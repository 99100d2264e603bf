export const XERO_SYNC_CONFIG = Symbol('XERO_SYNC_CONFIG');
