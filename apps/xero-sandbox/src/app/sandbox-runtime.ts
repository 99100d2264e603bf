import type { Response } from 'express';
import { SandboxOptions } from './config/sandbox-options';
import { Clock } from './core/clock';
import { isUuid, newId } from './core/ids';
import { ContactChange } from './contacts/contact-book';
import { StoredContact } from './contacts/contact';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { RateLimiter } from './limits/rate-limiter';
import { OAuthServer, OAuthSnapshot } from './oauth/oauth-server';
import {
  DEMO_ORGANISATION_NAME,
  seedDemoContacts,
} from './organisations/demo-seed';
import {
  NewOrganisation,
  Organisation,
  OrganisationRecord,
} from './organisations/organisation';
import { FaultInjector } from './admin/fault-injector';
import { RequestLog } from './admin/request-log';
import { StateFile } from './state/state-file';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';

interface SavedState {
  version: 1;
  savedAt: string;
  organisations: Array<{
    record: OrganisationRecord;
    contacts: StoredContact[];
  }>;
  oauth: OAuthSnapshot;
  webhookKey?: string;
}

/**
 * Everything the sandbox knows, as plain objects: organisations and their contacts, the identity service,
 * limits, idempotency keys, webhooks, request log and injected faults. The Nest app is a thin HTTP layer
 * over it; tests reach it directly through `createSandboxApp(...).runtime`.
 */
export class SandboxRuntime {
  readonly clock: Clock;
  readonly organisations = new Map<string, Organisation>();
  readonly oauth: OAuthServer;
  readonly limiter: RateLimiter;
  readonly idempotency: IdempotencyStore;
  readonly webhooks: WebhookDispatcher;
  readonly requestLog: RequestLog;
  readonly faults: FaultInjector;
  /** Responses held open by the "hung request" fault, ended when the sandbox stops. */
  readonly hungResponses = new Set<Response>();
  consentPage: boolean;
  private baseUrl: string;
  private readonly stateFile?: StateFile;
  private loading = false;

  constructor(readonly options: SandboxOptions) {
    this.clock = options.clock;
    this.baseUrl =
      options.publicUrl ?? `http://${options.host}:${options.port}`;
    this.consentPage = options.consentPage;
    this.oauth = new OAuthServer(
      this.clock,
      {
        accessTokenTtlMs: options.accessTokenTtlMs,
        refreshGraceMs: options.refreshGraceMs,
        refreshTokenTtlMs: options.refreshTokenTtlMs,
        authCodeTtlMs: options.authCodeTtlMs,
      },
      {
        has: (id) => this.organisations.has(id.toLowerCase()),
        nameOf: (id) => this.organisations.get(id.toLowerCase())?.name,
        defaultTenantId: () => this.organisations.keys().next().value,
      },
      () => this.baseUrl,
      options.defaultClient,
      () => this.markDirty(),
    );
    this.oauth.tenantLister = () => [...this.organisations.keys()];
    this.limiter = new RateLimiter(this.clock, options.limits);
    this.idempotency = new IdempotencyStore(
      this.clock,
      options.idempotencyTtlMs,
    );
    this.webhooks = new WebhookDispatcher(
      this.clock,
      options.webhook,
      () => this.baseUrl,
      (tenantId) => this.organisations.get(tenantId)?.record.webhookUrl,
    );
    this.requestLog = new RequestLog(options.requestLogLimit);
    this.faults = new FaultInjector(options.random);
    if (options.stateFile) this.stateFile = new StateFile(options.stateFile);
  }

  /** Loads the state file when there is one; seeds the demo organisation when starting empty. */
  start(): void {
    const saved = this.stateFile?.load() as SavedState | undefined;
    if (saved) {
      this.restore(saved);
    } else if (this.options.seedDemo) {
      this.seedDemo();
    }
  }

  get publicUrl(): string {
    return this.baseUrl;
  }

  setBaseUrl(url: string): void {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  private onContactChange = (change: ContactChange): void => {
    this.webhooks.enqueue(change);
    this.markDirty();
  };

  markDirty(): void {
    if (this.loading || !this.stateFile) return;
    this.stateFile.schedule(() => this.snapshot());
  }

  createOrganisation(
    input: Partial<NewOrganisation> & { name: string },
  ): Organisation {
    const tenantId = (input.tenantId ?? newId()).toLowerCase();
    if (!isUuid(tenantId)) throw new Error('tenantId must be a uuid');
    if (this.organisations.has(tenantId))
      throw new Error(`Organisation ${tenantId} already exists`);
    if (!input.name?.trim()) throw new Error('name is required');
    if (
      input.shortCode !== undefined &&
      !/^![A-Za-z0-9]{5}$/.test(input.shortCode)
    ) {
      throw new Error('shortCode must look like "!aB3cD"');
    }
    const record = Organisation.createRecord(
      { ...input, tenantId },
      this.clock.now(),
    );
    const org = new Organisation(record, this.clock, this.onContactChange);
    this.organisations.set(tenantId, org);
    this.markDirty();
    return org;
  }

  getOrganisation(tenantId: string): Organisation | undefined {
    return this.organisations.get(tenantId.toLowerCase());
  }

  deleteOrganisation(tenantId: string): boolean {
    const id = tenantId.toLowerCase();
    const existed = this.organisations.delete(id);
    if (existed) {
      this.oauth.dropTenant(id);
      this.markDirty();
    }
    return existed;
  }

  seedDemo(): Organisation {
    const org = this.createOrganisation({
      name: DEMO_ORGANISATION_NAME,
      isDemoCompany: false,
      countryCode: 'NZ',
    });
    seedDemoContacts(org);
    this.markDirty();
    return org;
  }

  /** Back to a fresh start: no organisations, clients or tokens (but the default client), counters, faults, logs. */
  reset(opts: { seedDemo?: boolean } = {}): void {
    this.organisations.clear();
    this.oauth.reset();
    this.limiter.reset();
    this.idempotency.clear();
    this.webhooks.reset();
    this.requestLog.clear();
    this.faults.clear();
    if (opts.seedDemo ?? false) this.seedDemo();
    this.markDirty();
  }

  snapshot(): SavedState {
    return {
      version: 1,
      savedAt: new Date(this.clock.now()).toISOString(),
      organisations: [...this.organisations.values()].map((o) => o.toJSON()),
      oauth: this.oauth.snapshot(),
    };
  }

  private restore(saved: SavedState): void {
    if (saved.version !== 1)
      throw new Error(
        `Unsupported sandbox state file version ${String(saved.version)}`,
      );
    this.loading = true;
    try {
      for (const o of saved.organisations) {
        const org = new Organisation(
          o.record,
          this.clock,
          this.onContactChange,
        );
        org.contacts.load(o.contacts);
        this.organisations.set(o.record.OrganisationID, org);
      }
      this.oauth.restore(saved.oauth);
    } finally {
      this.loading = false;
    }
  }

  /** Stops timers, ends hung requests, writes the state file. */
  shutdown(): void {
    this.webhooks.stop();
    for (const res of this.hungResponses) res.destroy();
    this.hungResponses.clear();
    this.stateFile?.flush();
    if (this.stateFile) this.stateFile.write(this.snapshot());
  }
}
