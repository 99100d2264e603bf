import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CONNECTION_STATUSES, ConnectionStatus, signOAuthState } from '@pos/sync-contracts';
import type { Response } from 'express';
import { CurrentRetailer } from '../auth/auth.guards';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { RetailerDoc } from '../retailers/retailer.schema';

/** What the POS needs to read, and no more: offline_access for refresh tokens, settings for the ShortCode. */
export const XERO_SCOPES = 'openid profile email offline_access accounting.contacts accounting.settings.read';

export class XeroConnectionResponse {
  @ApiProperty({ enum: CONNECTION_STATUSES }) status!: ConnectionStatus;
  @ApiProperty({ nullable: true, type: String }) tenantId!: string | null;
  @ApiProperty({ nullable: true, type: String }) organisationName!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "the organisation's ShortCode, for View-on-Xero links" }) shortCode!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'when xero-sync reported this state' }) changedAt!: string | null;
}

/** The retailer's Xero organisation: start the OAuth flow, and show the connection xero-sync reported. */
@ApiTags('xero')
@ApiBearerAuth()
@Controller('xero')
export class XeroConnectionController {
  constructor(@Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig) {}

  @Get('connection')
  @ApiOperation({ summary: 'Connection status, from xero.connection-changed events' })
  @ApiOkResponse({ type: XeroConnectionResponse })
  connection(@CurrentRetailer() r: RetailerDoc): XeroConnectionResponse {
    const c = r.xeroConnection;
    return {
      status: c?.status ?? 'disconnected',
      tenantId: c?.tenantId ?? null,
      organisationName: c?.organisationName ?? null,
      shortCode: c?.shortCode ?? null,
      changedAt: c?.changedAt ?? null,
    };
  }

  @Get('connect')
  @ApiOperation({ summary: "Start connecting a Xero organisation: 302 to Xero's authorize page with a signed, expiring state" })
  @ApiResponse({ status: 302, description: "Location: Xero's authorize URL; the body repeats it as {url}" })
  @ApiResponse({ status: 503, description: 'OAUTH_STATE_SECRET is not configured' })
  connect(@CurrentRetailer() r: RetailerDoc, @Res() res: Response) {
    const secret = this.config.OAUTH_STATE_SECRET;
    if (!secret) throw new ServiceUnavailableException('connecting Xero needs OAUTH_STATE_SECRET on this server');
    const url = new URL(this.config.XERO_AUTHORIZE_URL);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.XERO_CLIENT_ID);
    url.searchParams.set('redirect_uri', this.config.XERO_REDIRECT_URI);
    url.searchParams.set('scope', XERO_SCOPES);
    url.searchParams.set('state', signOAuthState(r._id, secret));
    res.setHeader('Cache-Control', 'no-store');
    res.status(302).location(url.toString()).json({ url: url.toString() });
  }
}
