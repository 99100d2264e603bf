import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json } from 'express';
import { checkJsonBody, requireJsonBody } from '../common/request-body';
import { PinoNestLogger, configureServiceApp, connectEventHandlers, createLogger } from '@pos/service-kit';
import { CustomersConfig } from '../config/customers.config';
import { XERO_STATUS_QUEUE } from '../xero-status/xero-status.controller';
import { AppModule } from './app.module';

/** Builds the customers service (used by main.ts and by the end-to-end tests). */
export async function createCustomersApp(config: CustomersConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoNestLogger(createLogger(config.LOG_LEVEL, 'customers')),
  });
  app.use(requireJsonBody, json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }), checkJsonBody);
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics'] });
  configureServiceApp(app, { title: 'POS customers', description: 'Customers of a point of sale, kept in sync with Xero', bearerAuth: true });
  // What xero-sync reports arrives as @EventPattern handlers (xero-status/, imports/) on the service's one
  // queue: connectEventHandlers binds every handler's routing key of the app to it.
  connectEventHandlers(app, { queue: XERO_STATUS_QUEUE, config });
  await app.startAllMicroservices();
  return app;
}
