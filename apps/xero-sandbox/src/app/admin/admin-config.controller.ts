import {
  BadRequestException,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { LimitConfig, WebhookConfig } from '../config/sandbox-options';
import { SandboxRuntime } from '../sandbox-runtime';
import { adminAction, requireObject } from './admin-errors';
import { FaultConfig } from './fault-injector';

function numberOr(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new BadRequestException(`${name} must be a non-negative number`);
  return v;
}

/** The /sandbox surface for the sandbox itself: limits, faults, clients, tokens, webhooks, reset. */
@Controller('sandbox')
export class AdminConfigController {
  constructor(private readonly rt: SandboxRuntime) {}

  @Get()
  index(): Record<string, unknown> {
    return {
      name: 'Xero sandbox',
      publicUrl: this.rt.publicUrl,
      accountingApi: `${this.rt.publicUrl}/api.xro/2.0`,
      authorize: `${this.rt.publicUrl}/identity/connect/authorize`,
      token: `${this.rt.publicUrl}/connect/token`,
      connections: `${this.rt.publicUrl}/connections`,
      organisations: [...this.rt.organisations.values()].map((o) => ({
        tenantId: o.tenantId,
        name: o.name,
      })),
      defaultClientId: this.rt.options.defaultClient.clientId,
      docs: 'apps/xero-sandbox/README.md',
    };
  }

  @Post('reset')
  @HttpCode(200)
  reset(@Body() body: unknown): Record<string, unknown> {
    const seedDemo =
      typeof body === 'object' &&
      body !== null &&
      (body as Record<string, unknown>)['seedDemo'] === true;
    this.rt.reset({ seedDemo });
    return this.index();
  }

  @Get('requests')
  requests(
    @Query('tenantId') tenantId?: string,
    @Query('method') method?: string,
    @Query('path') path?: string,
  ): unknown[] {
    return this.rt.requestLog.list({ tenantId, method, pathContains: path });
  }

  @Delete('requests')
  clearRequests(): { cleared: number } {
    return { cleared: this.rt.requestLog.clear() };
  }

  @Get('faults')
  faults(): FaultConfig {
    return this.rt.faults.get();
  }

  @Put('faults')
  setFaults(@Body() body: unknown): FaultConfig {
    return adminAction(() =>
      this.rt.faults.set(requireObject(body) as FaultConfig),
    );
  }

  @Delete('faults')
  clearFaults(): FaultConfig {
    this.rt.faults.clear();
    return this.rt.faults.get();
  }

  @Get('limits')
  limits(): LimitConfig {
    return this.rt.limiter.getConfig();
  }

  @Put('limits')
  setLimits(@Body() body: unknown): LimitConfig {
    return adminAction(() =>
      this.rt.limiter.setConfig(requireObject(body) as Partial<LimitConfig>),
    );
  }

  @Post('limits/reset')
  @HttpCode(200)
  resetCounters(): LimitConfig {
    this.rt.limiter.reset();
    return this.rt.limiter.getConfig();
  }

  @Get('config')
  config(): Record<string, unknown> {
    const t = this.rt.oauth.getTimings();
    return {
      accessTokenTtlSec: t.accessTokenTtlMs / 1000,
      refreshGraceSec: t.refreshGraceMs / 1000,
      refreshTokenTtlSec: t.refreshTokenTtlMs / 1000,
      authCodeTtlSec: t.authCodeTtlMs / 1000,
      idempotencyTtlSec: this.rt.idempotency.getTtl() / 1000,
      consentPage: this.rt.consentPage,
      limits: this.rt.limiter.getConfig(),
      webhook: { ...this.rt.webhooks.getConfig(), key: '(set)' },
    };
  }

  @Put('config')
  setConfig(@Body() body: unknown): Record<string, unknown> {
    const b = requireObject(body);
    const ms = (name: string) => {
      const v = numberOr(b[name], name);
      return v === undefined ? undefined : v * 1000;
    };
    const timings = {
      accessTokenTtlMs: ms('accessTokenTtlSec'),
      refreshGraceMs: ms('refreshGraceSec'),
      refreshTokenTtlMs: ms('refreshTokenTtlSec'),
      authCodeTtlMs: ms('authCodeTtlSec'),
    };
    this.rt.oauth.setTimings(
      Object.fromEntries(
        Object.entries(timings).filter(([, v]) => v !== undefined),
      ),
    );
    const idem = ms('idempotencyTtlSec');
    if (idem !== undefined) this.rt.idempotency.setTtl(idem);
    if (typeof b['consentPage'] === 'boolean')
      this.rt.consentPage = b['consentPage'];
    if (b['limits'] !== undefined)
      adminAction(() =>
        this.rt.limiter.setConfig(
          requireObject(b['limits']) as Partial<LimitConfig>,
        ),
      );
    if (b['webhook'] !== undefined) {
      const w = requireObject(b['webhook']) as Partial<WebhookConfig>;
      const patch: Partial<WebhookConfig> = {};
      if (typeof w.key === 'string' && w.key) patch.key = w.key;
      if (w.defaultUrl !== undefined)
        patch.defaultUrl = w.defaultUrl || undefined;
      if (w.batchDelayMs !== undefined)
        patch.batchDelayMs = numberOr(w.batchDelayMs, 'batchDelayMs');
      if (w.timeoutMs !== undefined)
        patch.timeoutMs = numberOr(w.timeoutMs, 'timeoutMs');
      if (Array.isArray(w.retryDelaysMs))
        patch.retryDelaysMs = w.retryDelaysMs.map(
          (n) => numberOr(n, 'retryDelaysMs') ?? 0,
        );
      this.rt.webhooks.setConfig(patch);
    }
    return this.config();
  }

  @Get('clients')
  clients(): unknown[] {
    return this.rt.oauth.listClients();
  }

  @Post('clients')
  registerClient(@Body() body: unknown): unknown {
    const b = requireObject(body);
    const redirectUris = b['redirectUris'];
    if (
      redirectUris !== undefined &&
      !(
        Array.isArray(redirectUris) &&
        redirectUris.every((u) => typeof u === 'string')
      )
    ) {
      throw new BadRequestException('redirectUris must be an array of strings');
    }
    return this.rt.oauth.registerClient({
      clientId: b['clientId'] as string | undefined,
      clientSecret: b['clientSecret'] as string | undefined,
      name: b['name'] as string | undefined,
      redirectUris: redirectUris as string[] | undefined,
    });
  }

  /** Issues a token set for organisations directly, as if a user had consented (test shortcut). */
  @Post('tokens')
  issueToken(@Body() body: unknown): unknown {
    const b = requireObject(body);
    const ids = Array.isArray(b['tenantIds'])
      ? (b['tenantIds'] as unknown[]).map(String)
      : typeof b['tenantId'] === 'string'
        ? [b['tenantId']]
        : [...this.rt.organisations.keys()].slice(0, 1);
    if (ids.length === 0)
      throw new BadRequestException('No organisation to issue a token for');
    return adminAction(() =>
      this.rt.oauth.issueDirect({
        tenantIds: ids,
        clientId: b['clientId'] as string | undefined,
        scope: b['scope'] as string | undefined,
      }),
    );
  }

  @Post('tokens/expire')
  @HttpCode(200)
  expireToken(@Body() body: unknown): { expired: boolean } {
    const token = requireObject(body)['access_token'];
    if (typeof token !== 'string')
      throw new BadRequestException('access_token is required');
    return { expired: this.rt.oauth.expireAccessToken(token) };
  }

  @Get('webhooks')
  deliveries(@Query('tenantId') tenantId?: string): unknown[] {
    return this.rt.webhooks.listDeliveries(tenantId);
  }

  /** Each webhook subscription (URL) and whether it is OK or DISABLED (after its retries ran out). */
  @Get('webhooks/subscriptions')
  subscriptions(): unknown[] {
    return this.rt.webhooks.listSubscriptions();
  }

  @Post('webhooks/flush')
  @HttpCode(200)
  async flush(): Promise<unknown[]> {
    await this.rt.webhooks.flush();
    return this.rt.webhooks.listDeliveries();
  }

  @Post('webhooks/intent-to-receive')
  @HttpCode(200)
  intentToReceive(@Body() body: unknown): Promise<unknown> {
    const b = requireObject(body);
    const tenantUrl =
      typeof b['tenantId'] === 'string'
        ? this.rt.getOrganisation(b['tenantId'])?.record.webhookUrl
        : undefined;
    const url =
      (typeof b['url'] === 'string' && b['url']) ||
      tenantUrl ||
      this.rt.webhooks.getConfig().defaultUrl;
    if (!url)
      throw new BadRequestException('No webhook URL given or configured');
    return this.rt.webhooks.intentToReceive(url);
  }
}
