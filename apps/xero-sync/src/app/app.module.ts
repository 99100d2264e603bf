import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { documentWritesProvider } from '@pos/persistence';
import { AmqpModule, ServiceConfigModule, ServiceKitModule, createLogger, messagingLogger } from '@pos/service-kit';
import { XERO_SYNC_CONFIG } from '../config/config.tokens';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CustomerChangedController } from '../ledger/customer-changed.controller';
import { LEDGER, LedgerSchema } from '../ledger/ledger.schema';
import { SyncLedgerRepository } from '../ledger/sync-ledger.repository';
import { CONNECTIONS, ConnectionSchema } from '../connections/connection.schema';
import { ConnectionsService } from '../connections/connections.service';
import { XeroCallbackController } from '../connections/xero-callback.controller';
import { ConnectionsOutbox, LedgerOutbox, XeroSyncOutboxRelay } from '../outbox/xero-sync-outbox';
import { IMPORT_JOBS, IMPORT_PAGES, ImportJobSchema, ImportPageSchema } from '../imports/import-job.schema';
import { ImportJobsRepository } from '../imports/import-jobs.repository';
import { ImportJobsOutbox, ImportPagesOutbox } from '../imports/import-outbox';
import { ImportPager } from '../imports/import-pager.service';
import { ImportRequestsController } from '../imports/import-requests.controller';
import { SyncMetrics } from '../metrics/sync-metrics';
import { Pusher } from '../pusher/pusher.service';
import { LEASES, LeaseSchema, TenantLeases } from '../pusher/tenant-lease.repository';
import { WEBHOOK_DELIVERIES, WebhookDeliverySchema } from '../webhooks/webhook-delivery.schema';
import { WebhookInbox } from '../webhooks/webhook-inbox.service';
import { XeroWebhooksController } from '../webhooks/xero-webhooks.controller';
import { ContactChecker } from '../xero-changes/contact-checker.service';
import { XeroChangesPoller } from '../xero-changes/xero-changes-poller.service';
import { POLL_STATES, PollStateSchema } from '../xero-changes/poll-state.schema';

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
        MongooseModule.forFeature([
          { name: LEDGER, schema: LedgerSchema },
          { name: CONNECTIONS, schema: ConnectionSchema },
          { name: LEASES, schema: LeaseSchema },
          { name: WEBHOOK_DELIVERIES, schema: WebhookDeliverySchema },
          { name: POLL_STATES, schema: PollStateSchema },
          { name: IMPORT_JOBS, schema: ImportJobSchema },
          { name: IMPORT_PAGES, schema: ImportPageSchema },
        ]),
        AmqpModule.forRoot({ url: config.AMQP_URL, connectionName: 'xero-sync', logger: messagingLogger(logger) }),
      ],
      controllers: [CustomerChangedController, XeroCallbackController, XeroWebhooksController, ImportRequestsController],
      providers: [
        documentWritesProvider,
        LedgerOutbox,
        ConnectionsOutbox,
        ImportJobsOutbox,
        ImportPagesOutbox,
        XeroSyncOutboxRelay,
        ConnectionsService,
        SyncMetrics,
        TenantLeases,
        Pusher,
        SyncLedgerRepository,
        ContactChecker,
        WebhookInbox,
        XeroChangesPoller,
        ImportJobsRepository,
        ImportPager,
      ],
    };
  }
}
