import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { validationPipe } from './http/validation';

/** What both services set up on the app itself: request validation, shutdown hooks, OpenAPI at /docs. */
export function configureServiceApp(app: INestApplication, docs: { title: string; description?: string; bearerAuth?: boolean }): void {
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const builder = new DocumentBuilder().setTitle(docs.title).setVersion('1');
  if (docs.description) builder.setDescription(docs.description);
  if (docs.bearerAuth) builder.addBearerAuth();
  SwaggerModule.setup('docs', app, SwaggerModule.createDocument(app, builder.build()));
}
