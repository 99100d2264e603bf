import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { documentWritesProvider } from '@pos/persistence';
import { AmqpModule, ServiceConfigModule, ServiceKitModule, createLogger, messagingLogger } from '@pos/service-kit';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CustomerChangedController } from '../ledger/customer-changed.controller';
import { LEDGER, LedgerSchema } from '../ledger/ledger.schema';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';

@Module({})
export class AppModule {
  static forRoot(config: XeroSyncConfig): DynamicModule {
    const logger = createLogger(config.LOG_LEVEL, 'xero-sync');
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(XERO_SYNC_CONFIG, config),
        ServiceKitModule.forRoot({ logger }),
        MongooseModule.forRoot(config.MONGODB_URI, { dbName: config.XERO_SYNC_DB_NAME, serverSelectionTimeoutMS: 5000 }),
        MongooseModule.forFeature([{ name: LEDGER, schema: LedgerSchema }]),
        AmqpModule.forRoot({ url: config.AMQP_URL, connectionName: 'xero-sync', logger: messagingLogger(logger) }),
      ],
      controllers: [CustomerChangedController],
      providers: [
        documentWritesProvider,
        SyncLedgerRepository,
      ],
    };
  }
}
