import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { validationException } from '../common/http-errors';
import { checkJsonBody, requireJsonBody } from '../common/request-body';
import { PinoNestLogger, createLogger } from '@pos/service-kit';
import { CustomersConfig } from '../config/customers.config';
import { AppModule } from './app.module';

/** Builds the customers service (used by main.ts and by the end-to-end tests). */
export async function createCustomersApp(config: CustomersConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    bodyParser: false,
    logger: new PinoNestLogger(createLogger(config.LOG_LEVEL, 'customers')),
  });
  app.use(requireJsonBody, json({ limit: '1mb', strict: true, type: ['application/json', 'application/*+json'] }), checkJsonBody);
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      exceptionFactory: validationException,
    }),
  );
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('POS customers')
      .setDescription('Customers of a point of sale, kept in sync with Xero')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, doc);
  return app;
}
