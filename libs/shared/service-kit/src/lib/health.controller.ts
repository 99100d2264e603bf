import { Controller, Get, Inject, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService, MongooseHealthIndicator } from '@nestjs/terminus';
import { AmqpClient } from '@pos/messaging';
import { Connection } from 'mongoose';
import { errorBody } from './http/error-body';

export const PUBLIC_ROUTE = 'auth:public';
/** Marks a route that takes no credentials (health, metrics, callbacks). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** How long the database may take to answer the readiness ping. */
const PING_TIMEOUT_MS = 2000;

type Checks = Record<string, 'up' | 'down'>;

function statuses(details: Record<string, { status: string }>): Checks {
  return Object.fromEntries(Object.entries(details).map(([name, d]) => [name, d.status === 'up' ? 'up' : 'down']));
}

/** Liveness and readiness (@nestjs/terminus): the database answers a ping and the broker is connected. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongoose: MongooseHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @InjectConnection() private readonly db: Connection,
    @Inject(AmqpClient) private readonly amqp: AmqpClient,
  ) {}

  /** The process is up. */
  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** The service can do its work: `{status: 'ok', checks}`, else 503 naming the failing check in `details`. */
  @Get('ready')
  @Public()
  async ready(): Promise<{ status: 'ok'; checks: Checks }> {
    try {
      const r = await this.health.check([
        () => this.mongoose.pingCheck('database', { connection: this.db, timeout: PING_TIMEOUT_MS }),
        () => this.broker(),
      ]);
      return { status: 'ok', checks: statuses(r.details) };
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const r = err.getResponse() as { details?: Record<string, { status: string }> };
      throw new ServiceUnavailableException(errorBody(503, 'not ready', statuses(r.details ?? {})));
    }
  }

  private broker(): HealthIndicatorResult<'broker'> {
    const check = this.indicators.check('broker');
    return this.amqp.isConnected() ? check.up() : check.down();
  }
}
