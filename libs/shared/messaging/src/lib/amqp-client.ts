import * as amqp from 'amqplib';
import { EVENTS_EXCHANGE } from '@pos/sync-contracts';

export interface MessagingLogger {
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

const consoleLogger: MessagingLogger = {
  info: () => undefined,
  warn: (m, meta) => console.warn(m, meta ?? ''),
  error: (m, meta) => console.error(m, meta ?? ''),
};

export interface AmqpClientOptions {
  url: string;
  /** Shown in the broker's connection list. */
  connectionName: string;
  logger?: MessagingLogger;
  /** Upper bound for the reconnect backoff. */
  maxReconnectDelayMs?: number;
}

export interface PublishOptions {
  messageId: string;
  correlationId?: string;
  headers?: Record<string, unknown>;
  exchange?: string;
}

type Setup = (conn: amqp.ChannelModel) => Promise<void>;

/**
 * One AMQP connection that comes back by itself: when the broker goes away it reconnects with
 * backoff and runs every registered setup again (consumers re-subscribe). Publishing uses a
 * confirm channel and resolves only once the broker has taken responsibility for the message.
 */
export class AmqpClient {
  private conn?: amqp.ChannelModel;
  private pubChannel?: amqp.ConfirmChannel;
  private readonly setups: Setup[] = [];
  private closing = false;
  private connecting?: Promise<void>;
  private reconnectTimer?: NodeJS.Timeout;
  private attempt = 0;
  readonly logger: MessagingLogger;

  constructor(private readonly opts: AmqpClientOptions) {
    this.logger = opts.logger ?? consoleLogger;
  }

  /** Connects now; rejects if the first attempt fails (start-up should know). Later drops reconnect. */
  async start(): Promise<void> {
    this.closing = false;
    await this.connect();
  }

  /** Starts connecting in the background, retrying until it succeeds (for services that must boot without a broker). */
  startInBackground(): void {
    this.closing = false;
    this.connect().catch(() => this.scheduleReconnect());
  }

  isConnected(): boolean {
    return !!this.conn && !!this.pubChannel;
  }

  /** Registers work to do on every (re)connection, and runs it now when connected. */
  async onConnect(setup: Setup): Promise<void> {
    this.setups.push(setup);
    if (this.conn) await setup(this.conn);
  }

  async publish(routingKey: string, body: unknown, opts: PublishOptions): Promise<void> {
    const ch = this.pubChannel;
    if (!ch) throw new Error('not connected to the broker');
    const content = Buffer.from(JSON.stringify(body));
    await new Promise<void>((resolve, reject) => {
      ch.publish(
        opts.exchange ?? EVENTS_EXCHANGE,
        routingKey,
        content,
        {
          persistent: true,
          contentType: 'application/json',
          messageId: opts.messageId,
          correlationId: opts.correlationId,
          timestamp: Math.floor(Date.now() / 1000),
          headers: { ...opts.headers, ...(opts.correlationId ? { 'x-correlation-id': opts.correlationId } : {}) },
        },
        (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
      );
    });
  }

  /** Sends straight to a queue (used for dead-lettering with a reason). */
  async sendToQueue(queue: string, content: Buffer, props: amqp.Options.Publish): Promise<void> {
    const ch = this.pubChannel;
    if (!ch) throw new Error('not connected to the broker');
    await new Promise<void>((resolve, reject) =>
      ch.sendToQueue(queue, content, props, (err) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve())),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    const conn = this.conn;
    this.conn = undefined;
    this.pubChannel = undefined;
    if (conn) await conn.close().catch(() => undefined);
  }

  private connect(): Promise<void> {
    if (!this.connecting) {
      this.connecting = this.doConnect().finally(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  private async doConnect(): Promise<void> {
    const conn = await amqp.connect(this.opts.url, { clientProperties: { connection_name: this.opts.connectionName } });
    try {
      conn.on('error', (err: Error) => this.logger.warn('broker connection error', { error: err.message }));
      conn.on('close', () => {
        if (this.conn !== conn) return;
        this.conn = undefined;
        this.pubChannel = undefined;
        if (!this.closing) {
          this.logger.warn('broker connection lost; reconnecting');
          this.scheduleReconnect();
        }
      });
      const ch = await conn.createConfirmChannel();
      ch.on('error', (err: Error) => this.logger.warn('publish channel error', { error: err.message }));
      await ch.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
      this.conn = conn;
      this.pubChannel = ch;
      for (const setup of this.setups) await setup(conn);
      this.attempt = 0;
      this.logger.info('connected to the broker', { connection: this.opts.connectionName });
    } catch (err) {
      this.conn = undefined;
      this.pubChannel = undefined;
      await conn.close().catch(() => undefined);
      throw err;
    }
  }

  private scheduleReconnect(): void {
    if (this.closing || this.reconnectTimer) return;
    const delay = Math.min(this.opts.maxReconnectDelayMs ?? 10_000, 250 * 2 ** this.attempt++);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((err: Error) => {
        this.logger.warn('broker reconnect failed', { error: err.message, attempt: this.attempt });
        this.scheduleReconnect();
      });
    }, delay);
  }
}
