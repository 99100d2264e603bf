import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AmqpClient, MessagingLogger } from '@pos/messaging';

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
