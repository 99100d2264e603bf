import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { ApiKeyGuard } from '../auth/auth.guards';
import { HttpErrorFilter } from '../common/http-errors';
import { DocumentLocks } from '@pos/service-kit';
import { ConfigModule } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { CustomerRepository } from '../customers/customer.repository';
import { CustomersController } from '../customers/customers.controller';
import { CustomersService } from '../customers/customers.service';
import { CUSTOMERS, CustomerSchema } from '../customers/schemas/customer.schema';
import { MetricsService } from '../metrics/metrics.service';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { OutboxRelay } from '../outbox/outbox.relay';
import { RETAILERS, RetailerSchema } from '../retailers/retailer.schema';
import { RetailersController } from '../retailers/retailers.controller';
import { RetailersService } from '../retailers/retailers.service';
import { XeroStatusConsumer } from '../xero-status/xero-status.consumer';
import { XeroConnectionController } from '../xero-connection/xero-connection.controller';
import { ImportCandidatesReader } from '../imports/import-candidates.reader';
import { ImportPagesConsumer } from '../imports/import-pages.consumer';
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
import { AmqpModule, HealthController, METRICS_REGISTRY, MetricsController, createLogger, messagingLogger } from '@pos/service-kit';

@Module({})
export class AppModule implements NestModule {
  static forRoot(config: CustomersConfig): DynamicModule {
    const logger = createLogger(config.LOG_LEVEL, 'customers');
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
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
      controllers: [RetailersController, CustomersController, XeroConnectionController, ImportsController, HealthController, MetricsController],
      providers: [
        { provide: 'LOGGER', useValue: logger },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        DocumentLocks,
        RetailersService,
        CustomerRepository,
        CustomersService,
        MetricsService,
        { provide: METRICS_REGISTRY, useFactory: (m: MetricsService) => m.registry, inject: [MetricsService] },
        OutboxRelay,
        XeroStatusConsumer,
        ImportRepository,
        ImportCandidatesReader,
        ImportsService,
        ImportPagesConsumer,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer) {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*splat}');
  }
}
