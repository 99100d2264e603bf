import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiPipeline } from './api/api-pipeline';
import { postDataInvalid } from './api/xero-http';
import { AppModule } from './app.module';
import {
  SandboxOptions,
  SandboxOptionsInput,
  resolveOptions,
} from './config/sandbox-options';
import { SandboxRuntime } from './sandbox-runtime';

export interface SandboxApp {
  readonly app: NestExpressApplication;
  readonly runtime: SandboxRuntime;
  readonly options: SandboxOptions;
  /** Base URL once listening, e.g. http://127.0.0.1:3002 */
  readonly url: string;
  /** Starts listening (port 0 picks a free port); returns the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Content types parsed as JSON: JSON ones, and a PUT/POST body without any content type. */
function wantsJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (!type) return true;
  return /^application\/([\w.+-]+\+)?json\b|^text\/json\b/i.test(type);
}

function keepRawBody(req: Request, _res: Response, buf: Buffer): void {
  (req as Request & { rawBody?: Buffer }).rawBody = buf;
}

function isAccounting(req: Request): boolean {
  return /^\/api\.xro\//i.test(req.originalUrl);
}

/**
 * Builds the sandbox: runtime (state, rules) plus the Nest HTTP app, not yet listening. Tests call
 * `createSandboxApp({ clock: new ManualClock(), seedDemo: false, logger: false })` then `listen(0)`.
 */
export async function createSandboxApp(
  input: SandboxOptionsInput = {},
): Promise<SandboxApp> {
  const options = resolveOptions(input);
  const runtime = new SandboxRuntime(options);
  runtime.start();

  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(runtime),
    {
      bodyParser: false,
      logger: options.logger,
    },
  );
  app.set('query parser', 'simple');
  app.disable('x-powered-by');
  // Xero caps a request at 3.5 MB. The raw bytes are kept for idempotency fingerprints.
  app.use(
    express.urlencoded({ extended: false, limit: '1mb', verify: keepRawBody }),
  );
  app.use(
    express.json({ type: wantsJson, limit: '3584kb', verify: keepRawBody }),
  );
  app.use(
    (
      err: Error & { type?: string; status?: number },
      req: Request,
      res: Response,
      next: NextFunction,
    ) => {
      if (err.type === 'entity.parse.failed') {
        if (isAccounting(req))
          res
            .status(400)
            .json(
              postDataInvalid(
                `The request body is not valid JSON: ${err.message}`,
              ),
            );
        else
          res.status(400).json({
            statusCode: 400,
            error: 'Bad Request',
            message: 'Invalid JSON body',
          });
        return;
      }
      if (err.type === 'entity.too.large') {
        res
          .status(413)
          .json(
            isAccounting(req)
              ? postDataInvalid('The request is larger than 3.5 MB')
              : { statusCode: 413, message: 'Too large' },
          );
        return;
      }
      next(err);
    },
  );
  // The Accounting API requires JSON (the sandbox does not speak Xero's XML).
  app.use('/api.xro/2.0', (req: Request, res: Response, next: NextFunction) => {
    if ((req.method === 'PUT' || req.method === 'POST') && !wantsJson(req)) {
      res
        .status(415)
        .json(
          postDataInvalid(
            'The Xero sandbox accepts JSON request bodies only (Content-Type: application/json)',
          ),
        );
      return;
    }
    next();
  });
  app.use('/api.xro/2.0', apiPipeline(runtime, 'accounting'));
  app.use('/connections', apiPipeline(runtime, 'connections'));
  await app.init();

  let url = runtime.publicUrl;
  let closed = false;
  const sandbox: SandboxApp = {
    app,
    runtime,
    options,
    get url() {
      return url;
    },
    async listen(port = options.port, host = options.host) {
      await app.listen(port, host);
      const server = app.getHttpServer() as Server;
      const address = server.address() as AddressInfo;
      const shownHost =
        host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      url =
        options.publicUrl ??
        `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;
      runtime.setBaseUrl(url);
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      runtime.shutdown();
      const server = app.getHttpServer() as Server;
      server.closeAllConnections?.();
      await app.close();
    },
  };
  return sandbox;
}
