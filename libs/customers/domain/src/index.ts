export * from './lib/customer.types';
export * from './lib/customer';
export * from './lib/domain-error';
export * from './lib/applied-events';
export * from './lib/field-limits';
export * from './lib/xero-contact.mapper';
export * from './lib/xero-link';
export * from './lib/import-matching';
