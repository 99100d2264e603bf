export * from './lib/amqp-client';
export * from './lib/event-consumer';
