// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';

export * from './lib/event-definition';
export * from './lib/events';
