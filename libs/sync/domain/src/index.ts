export * from './lib/ledger';
export * from './lib/push-plan';
export * from './lib/xero-errors';
export * from './lib/limits';
export * from './lib/drift';
export * from './lib/merge';
