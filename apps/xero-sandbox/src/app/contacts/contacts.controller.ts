import { Controller, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  SandboxRequest,
  apiContext,
  sendXero,
  withInjectedError,
} from '../api/xero-http';
import {
  IdempotencyKeyError,
  IdempotencyStore,
  fingerprintOf,
} from '../idempotency/idempotency-store';
import { WriteMode } from './contact-book';
import { ContactsApi } from './contacts-api';

@Controller('api.xro/2.0')
export class ContactsController {
  constructor(
    private readonly contacts: ContactsApi,
    private readonly idempotency: IdempotencyStore,
  ) {}

  @Get('Contacts')
  list(@Req() req: Request, @Res() res: Response): void {
    sendXero(
      req,
      res,
      this.contacts.list(
        apiContext(req),
        req.query as Record<string, unknown>,
        req.header('if-modified-since'),
      ),
    );
  }

  @Get('Contacts/:idOrNumber')
  getOne(
    @Req() req: Request,
    @Res() res: Response,
    @Param('idOrNumber') idOrNumber: string,
  ): void {
    sendXero(req, res, this.contacts.getOne(apiContext(req), idOrNumber));
  }

  @Put('Contacts')
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.write(req, res, 'create');
  }

  @Post('Contacts')
  createOrUpdate(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.write(req, res, 'upsert');
  }

  @Post('Contacts/:contactId')
  update(
    @Req() req: Request,
    @Res() res: Response,
    @Param('contactId') contactId: string,
  ): Promise<void> {
    return this.write(req, res, 'update', contactId);
  }

  private async write(
    req: Request,
    res: Response,
    mode: WriteMode,
    contactId?: string,
  ): Promise<void> {
    const ctx = apiContext(req);
    const exec = withInjectedError(ctx, () =>
      this.contacts.write(
        ctx,
        mode,
        req.body,
        req.query as Record<string, unknown>,
        contactId,
      ),
    );
    const key = req.header('idempotency-key');
    if (!key) return sendXero(req, res, exec());
    try {
      const { result, replayed } = await this.idempotency.run(
        `${ctx.token.clientId}\u0000${ctx.organisation?.tenantId}`,
        key,
        fingerprintOf(
          req.method,
          req.originalUrl,
          (req as SandboxRequest).rawBody,
        ),
        exec,
      );
      if (replayed) ctx.outcome = 'idempotent-replay';
      sendXero(req, res, result);
    } catch (e) {
      if (!(e instanceof IdempotencyKeyError)) throw e;
      ctx.outcome = 'idempotency-key-refused';
      sendXero(req, res, {
        status: 400,
        body: {
          ErrorNumber: 10,
          Type: 'ValidationException',
          Message: e.message,
        },
      });
    }
  }
}
