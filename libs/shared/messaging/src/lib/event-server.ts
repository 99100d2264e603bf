import { ArgumentsHost, Catch, Controller, RpcExceptionFilter, UseFilters, applyDecorators } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { ALL_EVENTS, EventDefinition, EventEnvelope, parseEvent } from '@pos/sync-contracts';
import { Observable, isObservable, lastValueFrom, throwError } from 'rxjs';
import { AmqpClient } from './amqp-client';
import { InboundMessage, PermanentFailure, consumeEvents } from './event-consumer';
import { QueueType } from './queue-topology';

/** What an `@EventPattern` handler can ask for with `@Ctx()`: the delivery behind the payload. */
export class AmqpEventContext extends BaseRpcContext<[InboundMessage]> {
  getMessage(): InboundMessage {
    return this.args[0];
  }
  /** The routing key the event was published with (also after a retry or a replay). */
  getRoutingKey(): string {
    return this.args[0].routingKey;
  }
  getAttempt(): number {
    return this.args[0].attempt;
  }
}

export interface AmqpEventServerOptions {
  /** The service's one queue; every `@EventPattern` of the app is bound to it. */
  queue: string;
  /** The contracts payloads are validated by, looked up by routing key (default: every event of @pos/sync-contracts). */
  events?: readonly EventDefinition<EventEnvelope>[];
  queueType?: QueueType;
  maxAttempts?: number;
  retryDelayMs?: number;
  expiresMs?: number;
  prefetch?: number;
  /** Wraps each handler call, e.g. to run it in the request context of the message's correlation id. */
  around?: (message: InboundMessage, run: () => Promise<void>) => Promise<void>;
}

/**
 * The services' transport: `@EventPattern(SomeEvent.routingKey)` handlers on one durable queue per
 * service (consumeEvents: manual acks, retry queue, dead-letter queue, re-declared on reconnect).
 * A message is dispatched by the routing key it was published with, so a retried or replayed
 * message reaches the same handler; its body is validated by that event's contract class before the
 * handler runs (a violation goes to the dead-letter queue at once), and it is acked only once the
 * handler's promise or observable has completed.
 */
export class AmqpEventServer extends Server implements CustomTransportStrategy {
  private readonly definitions: Map<string, EventDefinition<EventEnvelope>>;

  constructor(
    private readonly client: AmqpClient,
    private readonly opts: AmqpEventServerOptions,
  ) {
    super();
    this.definitions = new Map((opts.events ?? ALL_EVENTS).map((d) => [d.routingKey, d as EventDefinition<EventEnvelope>]));
  }

  /** The routing keys the app's handlers listen to (bound to the queue). */
  routingKeys(): string[] {
    return [...this.messageHandlers.keys()];
  }

  async listen(callback: (err?: unknown, ...rest: unknown[]) => void): Promise<void> {
    try {
      const keys = this.routingKeys();
      const unknown = keys.filter((k) => !this.definitions.has(k));
      if (unknown.length) throw new Error(`no event contract for @EventPattern ${unknown.join(', ')} (queue ${this.opts.queue})`);
      await consumeEvents(this.client, {
        queue: this.opts.queue,
        routingKeys: keys,
        queueType: this.opts.queueType,
        maxAttempts: this.opts.maxAttempts,
        retryDelayMs: this.opts.retryDelayMs,
        expiresMs: this.opts.expiresMs,
        prefetch: this.opts.prefetch,
        handler: (m) => (this.opts.around ? this.opts.around(m, () => this.dispatch(m)) : this.dispatch(m)),
      });
      callback();
    } catch (err) {
      callback(err);
    }
  }

  /** Runs the handler for the message's original routing key; resolves once its effect is done, rejects with its error. */
  async dispatch(m: InboundMessage): Promise<void> {
    const handler = this.getHandlerByPattern(m.routingKey);
    const def = this.definitions.get(m.routingKey);
    if (!handler || !def) throw new PermanentFailure(`no handler for ${m.routingKey} on ${this.opts.queue}`);
    const event = parseEvent(def, m.body); // ContractViolation: dead-lettered at once
    const result = await handler(event, new AmqpEventContext([m]));
    if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
  }

  async close(): Promise<void> {
    // The connection belongs to the AmqpClient (closed with the app); its consumers go with it.
  }

  on(): never {
    throw new Error('AmqpEventServer has no events to listen to; use the AmqpClient');
  }

  unwrap<T>(): T {
    return this.client as T;
  }
}

/**
 * Nest turns a handler's error into a generic "Internal server error" before the transport sees it;
 * this keeps the error itself, so the transport can tell a permanent failure or a contract violation
 * (dead-letter now) from a transient one (retry) and record the real reason.
 */
@Catch()
export class KeepEventErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** A controller of `@EventPattern` handlers served by AmqpEventServer. */
export function EventsController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(new KeepEventErrors()));
}
