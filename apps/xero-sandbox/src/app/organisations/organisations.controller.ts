import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { apiContext, envelope, sendXero } from '../api/xero-http';
import { SandboxRuntime } from '../sandbox-runtime';

@Controller('api.xro/2.0')
export class OrganisationsController {
  constructor(private readonly rt: SandboxRuntime) {}

  /** GET /Organisation: the organisation of the xero-tenant-id header (`Organisations` schema). */
  @Get('Organisation')
  get(@Req() req: Request, @Res() res: Response): void {
    const ctx = apiContext(req);
    const org = ctx.organisation;
    sendXero(req, res, {
      status: 200,
      body: envelope(ctx.providerName, this.rt.clock.now(), {
        Organisations: org ? [org.toXero()] : [],
      }),
    });
  }
}
