import { DynamicModule, Module } from '@nestjs/common';
import { AdminConfigController } from './admin/admin-config.controller';
import { AdminOrganisationsController } from './admin/admin-organisations.controller';
import { ContactsApi } from './contacts/contacts-api';
import { ContactsController } from './contacts/contacts.controller';
import { HealthController } from './health/health.controller';
import { IdempotencyStore } from './idempotency/idempotency-store';
import { ConnectionsController } from './oauth/connections.controller';
import { OAuthController } from './oauth/oauth.controller';
import { OrganisationsController } from './organisations/organisations.controller';
import { SandboxRuntime } from './sandbox-runtime';

/**
 * The HTTP layer over a SandboxRuntime. Build it with `createSandboxApp` (create-sandbox-app.ts), which also
 * installs the body parsers and the Accounting API pipeline (auth, limits, faults) in front of these routes.
 */
@Module({})
export class AppModule {
  static forRoot(runtime: SandboxRuntime): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        OAuthController,
        ConnectionsController,
        OrganisationsController,
        ContactsController,
        AdminConfigController,
        AdminOrganisationsController,
      ],
      providers: [
        { provide: SandboxRuntime, useValue: runtime },
        { provide: IdempotencyStore, useValue: runtime.idempotency },
        { provide: ContactsApi, useValue: new ContactsApi(runtime.clock) },
      ],
    };
  }
}
