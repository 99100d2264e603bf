import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ConnectError, ConnectionsService } from './connections.service';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, message: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto"><h1>${escape(title)}</h1><p>${escape(message)}</p></body></html>`;
}

/** Xero sends the browser back here after the retailer consented (DESIGN §3.5). */
@ApiTags('xero')
@Controller('xero')
export class XeroCallbackController {
  private readonly logger = new Logger(XeroCallbackController.name);

  constructor(private readonly connections: ConnectionsService) {}

  @Get('callback')
  @ApiOperation({ summary: "OAuth 2.0 redirect URI: checks the state, exchanges the code, stores the connection" })
  @ApiResponse({ status: 302, description: 'connected: to /xero/connected' })
  @ApiResponse({ status: 400, description: 'a forged or expired state, or a refused consent (an HTML page that says so)' })
  async callback(
    @Query('code') code: string | undefined,
    @Query('state') state: string | undefined,
    @Query('error') error: string | undefined,
    @Res() res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const c = await this.connections.connect({ code, state, error });
      this.logger.log(`retailer ${c.retailerId} connected Xero organisation ${c.organisationName} (${c.tenantId})`);
      const to = new URLSearchParams({ organisation: c.organisationName ?? '' });
      res.redirect(302, `/xero/connected?${to}`);
    } catch (err) {
      if (!(err instanceof ConnectError)) throw err;
      this.logger.warn(`Xero callback refused: ${err.title}: ${err.message}`);
      res.status(err.status).type('html').send(page(err.title, err.message));
    }
  }

  @Get('connected')
  @ApiOperation({ summary: 'The page the browser lands on once connected' })
  connected(@Query('organisation') organisation: string | undefined, @Res() res: Response) {
    const name = organisation || 'your Xero organisation';
    res.type('html').send(page('Xero is connected', `This retailer is now connected to ${name}. You can close this page and go back to the POS.`));
  }
}
