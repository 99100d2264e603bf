import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { contactJson } from '../contacts/contact-view';
import { AdminContactFields } from '../contacts/contact-book';
import { StoredContact, designationOf } from '../contacts/contact';
import { SeedRequest, seedContacts } from '../organisations/demo-seed';
import { Organisation } from '../organisations/organisation';
import { SandboxRuntime } from '../sandbox-runtime';
import { adminAction, requireObject } from './admin-errors';

function fullContact(c: StoredContact): Record<string, unknown> {
  return {
    ...contactJson(c, { detailed: true }),
    designation: designationOf(c),
    CreatedDateUTC: new Date(c.CreatedDateUTC).toISOString(),
    UpdatedDateUTCIso: new Date(c.UpdatedDateUTC).toISOString(),
  };
}

function orgSummary(
  o: Organisation,
  rt: SandboxRuntime,
): Record<string, unknown> {
  const contacts = o.contacts.all();
  const count = (f: (c: StoredContact) => boolean) => contacts.filter(f).length;
  return {
    tenantId: o.tenantId,
    name: o.name,
    shortCode: o.record.ShortCode,
    countryCode: o.record.CountryCode,
    webhookUrl:
      o.record.webhookUrl ?? rt.webhooks.getConfig().defaultUrl ?? null,
    contacts: {
      total: contacts.length,
      active: count((c) => c.ContactStatus === 'ACTIVE'),
      archived: count((c) => c.ContactStatus !== 'ACTIVE'),
      customer: count(
        (c) => c.ContactStatus === 'ACTIVE' && designationOf(c) === 'customer',
      ),
      supplier: count(
        (c) => c.ContactStatus === 'ACTIVE' && designationOf(c) === 'supplier',
      ),
      both: count(
        (c) => c.ContactStatus === 'ACTIVE' && designationOf(c) === 'both',
      ),
      general: count(
        (c) => c.ContactStatus === 'ACTIVE' && designationOf(c) === 'general',
      ),
    },
  };
}

/** The /sandbox surface for organisations and their contacts: stands for people using Xero's web app. */
@Controller('sandbox/organisations')
export class AdminOrganisationsController {
  constructor(private readonly rt: SandboxRuntime) {}

  private org(tenantId: string): Organisation {
    const org = this.rt.getOrganisation(tenantId);
    if (!org) throw new NotFoundException(`Organisation ${tenantId} not found`);
    return org;
  }

  @Get()
  list(): Array<Record<string, unknown>> {
    return [...this.rt.organisations.values()].map((o) =>
      orgSummary(o, this.rt),
    );
  }

  @Post()
  create(@Body() body: unknown): Record<string, unknown> {
    const b = requireObject(body);
    return adminAction(() => {
      const org = this.rt.createOrganisation({
        name: String(b['name'] ?? ''),
        tenantId: b['tenantId'] as string | undefined,
        shortCode: b['shortCode'] as string | undefined,
        countryCode: b['countryCode'] as string | undefined,
        webhookUrl: (b['webhookUrl'] as string | undefined) || undefined,
      });
      return orgSummary(org, this.rt);
    });
  }

  @Get(':tenantId')
  get(@Param('tenantId') tenantId: string): Record<string, unknown> {
    const org = this.org(tenantId);
    return { ...orgSummary(org, this.rt), organisation: org.toXero() };
  }

  @Delete(':tenantId')
  @HttpCode(204)
  remove(@Param('tenantId') tenantId: string): void {
    if (!this.rt.deleteOrganisation(tenantId))
      throw new NotFoundException(`Organisation ${tenantId} not found`);
  }

  @Put(':tenantId/webhook')
  setWebhook(
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    const org = this.org(tenantId);
    const url = requireObject(body)['url'];
    org.record.webhookUrl = typeof url === 'string' && url ? url : undefined;
    this.rt.markDirty();
    return orgSummary(org, this.rt);
  }

  @Post(':tenantId/contacts/seed')
  seed(
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    const org = this.org(tenantId);
    const result = adminAction(() =>
      seedContacts(org, requireObject(body) as unknown as SeedRequest),
    );
    this.rt.markDirty();
    return result;
  }

  @Get(':tenantId/contacts')
  contacts(
    @Param('tenantId') tenantId: string,
  ): Array<Record<string, unknown>> {
    return this.org(tenantId).contacts.all().map(fullContact);
  }

  @Post(':tenantId/contacts')
  createContact(
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    const org = this.org(tenantId);
    return adminAction(() =>
      fullContact(
        org.contacts.adminCreate(requireObject(body) as AdminContactFields),
      ),
    );
  }

  @Post(':tenantId/contacts/merge')
  merge(
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    const org = this.org(tenantId);
    const b = requireObject(body);
    return adminAction(() => {
      const { from, to } = org.contacts.merge(
        String(b['fromContactId'] ?? ''),
        String(b['toContactId'] ?? ''),
      );
      return { from: fullContact(from), to: fullContact(to) };
    });
  }

  @Get(':tenantId/contacts/:contactId')
  contact(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
  ): Record<string, unknown> {
    const c = this.org(tenantId).contacts.get(contactId);
    if (!c) throw new NotFoundException(`Contact ${contactId} not found`);
    return fullContact(c);
  }

  @Patch(':tenantId/contacts/:contactId')
  edit(
    @Param('tenantId') tenantId: string,
    @Param('contactId') contactId: string,
    @Body() body: unknown,
  ): Record<string, unknown> {
    const org = this.org(tenantId);
    return adminAction(() =>
      fullContact(
        org.contacts.adminEdit(
          contactId,
          requireObject(body) as AdminContactFields,
        ),
      ),
    );
  }

  @Get(':tenantId/requests')
  requests(
    @Param('tenantId') tenantId: string,
    @Query('method') method?: string,
    @Query('path') path?: string,
    @Query('since') since?: string,
  ): unknown[] {
    this.org(tenantId);
    return this.rt.requestLog.list({
      tenantId: tenantId.toLowerCase(),
      method,
      pathContains: path,
      since: since ? Number(since) : undefined,
    });
  }

  @Delete(':tenantId/requests')
  clearRequests(@Param('tenantId') tenantId: string): { cleared: number } {
    return { cleared: this.rt.requestLog.clear(tenantId.toLowerCase()) };
  }

  @Get(':tenantId/webhooks')
  deliveries(@Param('tenantId') tenantId: string): unknown[] {
    return this.rt.webhooks.listDeliveries(tenantId.toLowerCase());
  }
}
