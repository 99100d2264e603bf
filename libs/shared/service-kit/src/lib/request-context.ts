import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

interface Context {
  correlationId: string;
}

const storage = new AsyncLocalStorage<Context>();

/** The correlation id travels HTTP → outbox entry → AMQP header → worker logs. */
export const RequestContext = {
  run<T>(correlationId: string | undefined, fn: () => T): T {
    return storage.run({ correlationId: correlationId || randomUUID() }, fn);
  },
  correlationId(): string | undefined {
    return storage.getStore()?.correlationId;
  },
};
