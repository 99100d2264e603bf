export * from './lib/event-definition';
export * from './lib/events';
