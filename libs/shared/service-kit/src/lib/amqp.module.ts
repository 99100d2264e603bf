import { DynamicModule, Global, INestApplication, INestMicroservice, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { MicroserviceOptions } from '@nestjs/microservices';
import { AmqpClient, AmqpEventServer, MessagingLogger } from '@pos/messaging';
import { ServiceConfig } from './config';
import { RequestContext } from './request-context';

class AmqpLifecycle implements OnApplicationShutdown {
  constructor(@Inject(AmqpClient) private readonly client: AmqpClient) {}
  async onApplicationShutdown() {
    await this.client.close();
  }
}

/**
 * The service's one broker connection. It connects in the background, so the service starts (and
 * keeps taking writes into its outbox) while the broker is away, and it closes with the app.
 */
@Global()
@Module({})
export class AmqpModule {
  static forRoot(opts: { url: string; connectionName: string; logger?: MessagingLogger }): DynamicModule {
    return {
      module: AmqpModule,
      providers: [
        {
          provide: AmqpClient,
          useFactory: () => {
            const client = new AmqpClient(opts);
            client.startInBackground();
            return client;
          },
        },
        AmqpLifecycle,
      ],
      exports: [AmqpClient],
    };
  }
}

/**
 * Serves the app's `@EventPattern` handlers from its queue `<QUEUE_PREFIX><queue>` on the service's
 * broker connection, each handler running in the request context of the message's correlation id.
 * The HTTP app stays as it is; call `app.startAllMicroservices()` afterwards.
 */
export function connectEventHandlers(app: INestApplication, opts: { queue: string; config: ServiceConfig }): INestMicroservice {
  const { config } = opts;
  const strategy = new AmqpEventServer(app.get(AmqpClient), {
    queue: `${config.QUEUE_PREFIX}${opts.queue}`,
    queueType: config.QUEUE_TYPE,
    expiresMs: config.QUEUE_EXPIRES_MS,
    around: (m, run) => RequestContext.run(m.correlationId, run),
  });
  return app.connectMicroservice<MicroserviceOptions>({ strategy });
}
