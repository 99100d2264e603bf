export * from '@pos/sync-contracts/enums';
export * from './lib/event-definition';
export * from './lib/events';
export * from './lib/oauth-state';
