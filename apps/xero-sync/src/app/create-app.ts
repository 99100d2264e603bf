import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PinoNestLogger, createLogger } from '@pos/service-kit';
import { XeroSyncConfig } from '../config/xero-sync.config';
import { AppModule } from './app.module';

/** Builds the xero-sync service (used by main.ts and by the end-to-end tests). */
export async function createXeroSyncApp(config: XeroSyncConfig): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: new PinoNestLogger(createLogger(config.LOG_LEVEL, 'xero-sync')),
  });
  app.enableShutdownHooks();
  const doc = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('POS xero-sync').setVersion('1').build());
  SwaggerModule.setup('docs', app, doc);
  return app;
}
