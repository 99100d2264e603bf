import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { documentWritesProvider } from '@pos/persistence';
import { AmqpModule, HealthController, METRICS_REGISTRY, MetricsController, createLogger, messagingLogger } from '@pos/service-kit';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CustomerChangedConsumer } from '../ledger/customer-changed.consumer';
import { LEDGER, LedgerSchema } from '../ledger/ledger.schema';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';

@Module({})
export class AppModule {
  static forRoot(config: XeroSyncConfig): DynamicModule {
    const logger = createLogger(config.LOG_LEVEL, 'xero-sync');
    return {
      module: AppModule,
      imports: [
        MongooseModule.forRoot(config.MONGODB_URI, { dbName: config.XERO_SYNC_DB_NAME, serverSelectionTimeoutMS: 5000 }),
        MongooseModule.forFeature([{ name: LEDGER, schema: LedgerSchema }]),
        AmqpModule.forRoot({ url: config.AMQP_URL, connectionName: 'xero-sync', logger: messagingLogger(logger) }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: XERO_SYNC_CONFIG, useValue: config },
        {
          provide: METRICS_REGISTRY,
          useFactory: () => {
            const registry = new Registry();
            collectDefaultMetrics({ register: registry });
            return registry;
          },
        },
        documentWritesProvider,
        SyncLedgerRepository,
        CustomerChangedConsumer,
      ],
    };
  }
}
