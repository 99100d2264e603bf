export * from './lib/service-process';
export * from './lib/test-infra';
