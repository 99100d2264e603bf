import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PinoNestLogger, configureServiceApp, connectEventHandlers, createLogger } from '@pos/service-kit';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { CUSTOMER_CHANGED_QUEUE } from '../ledger/customer-changed.controller';
import { AppModule } from './app.module';

/** Builds the xero-sync service (used by main.ts and by the end-to-end tests). */
export async function createXeroSyncApp(config: XeroSyncConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    // POST /xero/webhooks checks Xero's signature on the body exactly as it arrived
    rawBody: true,
    logger: new PinoNestLogger(createLogger(config.LOG_LEVEL, 'xero-sync')),
  });
  configureServiceApp(app, { title: 'POS xero-sync' });
  // customer.changed.v1 arrives as an @EventPattern handler (ledger/) on the service's queue.
  connectEventHandlers(app, { queue: CUSTOMER_CHANGED_QUEUE, config });
  await app.startAllMicroservices();
  return app;
}
