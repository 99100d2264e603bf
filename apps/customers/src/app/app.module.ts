import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { ApiKeyGuard } from '../auth/auth.guards';
import { CUSTOMERS_ERROR_MAPPERS } from '../common/http-errors';
import { documentWritesProvider } from '@pos/persistence';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { CustomerRepository } from '../customers/customer.repository';
import { CustomersController } from '../customers/customers.controller';
import { CustomersService } from '../customers/customers.service';
import { CUSTOMERS, CustomerSchema } from '../customers/schemas/customer.schema';
import { MetricsService } from '../metrics/metrics.service';
import { CustomersOutbox } from '../outbox/customers-outbox';
import { OutboxRelay } from '../outbox/outbox.relay';
import { RETAILERS, RetailerSchema } from '../retailers/retailer.schema';
import { RetailersController } from '../retailers/retailers.controller';
import { RetailersService } from '../retailers/retailers.service';
import { XeroStatusController } from '../xero-status/xero-status.controller';
import { XeroConnectionController } from '../xero-connection/xero-connection.controller';
import { ImportCandidatesReader } from '../imports/import-candidates.reader';
import { ImportPagesController } from '../imports/import-pages.controller';
import { ImportRepository } from '../imports/import.repository';
import { ImportsController } from '../imports/imports.controller';
import { ImportsService } from '../imports/imports.service';
import {
  IMPORT_CLAIMS,
  IMPORT_JOBS,
  IMPORT_PROBLEMS,
  IMPORT_SLOTS,
  ImportClaimSchema,
  ImportJobSchema,
  ImportProblemSchema,
  ImportSlotSchema,
} from '../imports/schemas/import.schema';
import { ImportsOutbox } from '../outbox/imports-outbox';
import { AmqpModule, ServiceConfigModule, ServiceKitModule, createLogger, messagingLogger } from '@pos/service-kit';

@Module({})
export class AppModule {
  static forRoot(config: CustomersConfig): DynamicModule {
    const logger = createLogger(config.LOG_LEVEL, 'customers');
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(CUSTOMERS_CONFIG, config),
        ServiceKitModule.forRoot({ logger, errorMappers: CUSTOMERS_ERROR_MAPPERS }),
        MongooseModule.forRoot(config.MONGODB_URI, {
          dbName: config.CUSTOMERS_DB_NAME,
          serverSelectionTimeoutMS: 5000,
          autoIndex: true,
        }),
        MongooseModule.forFeature([
          { name: CUSTOMERS, schema: CustomerSchema },
          { name: RETAILERS, schema: RetailerSchema },
          { name: IMPORT_JOBS, schema: ImportJobSchema },
          { name: IMPORT_SLOTS, schema: ImportSlotSchema },
          { name: IMPORT_CLAIMS, schema: ImportClaimSchema },
          { name: IMPORT_PROBLEMS, schema: ImportProblemSchema },
        ]),
        // Writes must keep working while the broker is away: they wait in the outbox.
        AmqpModule.forRoot({ url: config.AMQP_URL, connectionName: 'customers', logger: messagingLogger(logger) }),
      ],
      controllers: [RetailersController, CustomersController, XeroConnectionController, ImportsController, XeroStatusController, ImportPagesController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        documentWritesProvider,
        RetailersService,
        CustomerRepository,
        CustomersService,
        CustomersOutbox,
        MetricsService,
        OutboxRelay,
        ImportsOutbox,
        ImportRepository,
        ImportCandidatesReader,
        ImportsService,
      ],
    };
  }
}
