export * from './lib/doc-ref';
export * from './lib/storage-errors';
export * from './lib/document-writes';
export * from './lib/document-writes.provider';
export * from './lib/outbox/outbox';
export * from './lib/outbox/embedded-outbox.store';
export * from './lib/outbox/outbox-relay';
export * from './lib/outbox/outbox-store.contract';
