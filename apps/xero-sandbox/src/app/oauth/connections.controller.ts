import {
  Controller,
  Delete,
  Get,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { apiContext } from '../api/xero-http';
import { SandboxRuntime } from '../sandbox-runtime';

/** GET/DELETE https://api.xero.com/connections (xero-identity.yaml), on the sandbox host. */
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly rt: SandboxRuntime) {}

  @Get()
  list(
    @Req() req: Request,
    @Res() res: Response,
    @Query('authEventId') authEventId?: string,
  ): void {
    const ctx = apiContext(req);
    const body = this.rt.oauth.connectionsFor(ctx.token, authEventId);
    ctx.responseBody = body;
    res.status(200).json(body);
  }

  @Delete(':id')
  remove(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
  ): void {
    const ok = this.rt.oauth.deleteConnection(apiContext(req).token, id);
    res.status(ok ? 204 : 404).end();
  }
}
