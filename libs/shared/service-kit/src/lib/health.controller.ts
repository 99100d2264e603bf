import { Controller, Get, Inject, ServiceUnavailableException, SetMetadata } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiTags } from '@nestjs/swagger';
import { AmqpClient } from '@pos/messaging';
import { Connection } from 'mongoose';

export const PUBLIC_ROUTE = 'auth:public';
/** Marks a route that takes no credentials (health, metrics, callbacks). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @InjectConnection() private readonly db: Connection,
    @Inject(AmqpClient) private readonly amqp: AmqpClient,
  ) {}

  /** The process is up. */
  @Get('live')
  @Public()
  live() {
    return { status: 'ok' };
  }

  /** The service can do its work: the database answers a ping and the broker is connected. */
  @Get('ready')
  @Public()
  async ready() {
    let database: 'up' | 'down' = 'down';
    try {
      if (this.db.db) {
        await this.db.db.admin().ping();
        database = 'up';
      }
    } catch {
      database = 'down';
    }
    const broker = this.amqp.isConnected() ? 'up' : 'down';
    const checks = { database, broker };
    if (database !== 'up' || broker !== 'up') {
      throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'not ready', details: checks });
    }
    return { status: 'ok', checks };
  }
}
