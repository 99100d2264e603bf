export * from './lib/amqp-client';
export * from './lib/event-consumer';
export * from './lib/event-server';
export * from './lib/queue-topology';
