import { plainToInstance } from 'class-transformer';
import { IsISO8601, IsInt, IsNotEmpty, IsString, IsUUID, Min, ValidationError, validateSync } from 'class-validator';

/** The exchange every event travels on (topic, durable). */
export const EVENTS_EXCHANGE = 'pos.events';

/** Fields every message carries besides its payload. */
export class EventEnvelope {
  @IsUUID() eventId!: string;
  @IsString() @IsNotEmpty() type!: string;
  @IsInt() @Min(1) schemaVersion!: number;
  @IsISO8601() occurredAt!: string;
  @IsString() @IsNotEmpty() retailerId!: string;
}

export type Payload<P> = Omit<P, keyof EventEnvelope>;

/** One event type at one version: its name, its routing key, and the class that validates it. */
export interface EventDefinition<P extends EventEnvelope = EventEnvelope> {
  type: string;
  version: number;
  routingKey: string;
  schema: new () => P;
}

export function defineEvent<P extends EventEnvelope>(type: string, version: number, schema: new () => P): EventDefinition<P> {
  return { type, version, routingKey: `${type}.v${version}`, schema };
}

export class ContractViolation extends Error {
  constructor(
    readonly routingKey: string,
    readonly problems: string[],
  ) {
    super(`${routingKey} does not match its contract: ${problems.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`);
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Validates a decoded message body against the definition; throws ContractViolation when it does not fit. */
export function parseEvent<P extends EventEnvelope>(def: EventDefinition<P>, body: unknown): P {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ContractViolation(def.routingKey, ['body is not a JSON object']);
  }
  const instance = plainToInstance(def.schema, body);
  const problems = flatten(validateSync(instance as object, { forbidUnknownValues: true }));
  const b = body as Record<string, unknown>;
  if (b['type'] !== def.type) problems.push(`type: expected ${def.type}, got ${String(b['type'])}`);
  if (b['schemaVersion'] !== def.version) problems.push(`schemaVersion: expected ${def.version}, got ${String(b['schemaVersion'])}`);
  if (problems.length) throw new ContractViolation(def.routingKey, problems);
  return instance;
}

/** Builds a complete message body: envelope fields filled in, then validated like a consumer would. */
export function buildEvent<P extends EventEnvelope>(
  def: EventDefinition<P>,
  retailerId: string,
  payload: Payload<P>,
  opts: { eventId?: string; occurredAt?: Date } = {},
): P {
  const body = {
    eventId: opts.eventId ?? globalThis.crypto.randomUUID(),
    type: def.type,
    schemaVersion: def.version,
    occurredAt: (opts.occurredAt ?? new Date()).toISOString(),
    retailerId,
    ...payload,
  };
  parseEvent(def, body);
  return body as unknown as P;
}
