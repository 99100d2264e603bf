import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@pos/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';

/** What the engine reports on /metrics (issue 9, "Observability"). */
@Injectable()
export class SyncMetrics {
  readonly pushes: Counter<'outcome'>;
  readonly xeroCalls: Counter<'operation' | 'status'>;
  readonly rateLimited: Counter<'problem'>;
  readonly limiterWait: Histogram;
  readonly backlog: Gauge<'retailer'>;
  readonly oldestPending: Gauge<'retailer'>;
  readonly tokenRefreshes: Counter<'outcome'>;
  readonly tenantsLeased: Gauge<'worker'>;
  readonly webhooks: Counter<'outcome'>;
  readonly driftFound: Counter;

  /** On the instance's registry (ServiceMetrics), served at /metrics. */
  constructor(service: ServiceMetrics) {
    const registers = [service.registry];
    this.pushes = new Counter({ name: 'xero_sync_pushes_total', help: 'Customer pushes by outcome', labelNames: ['outcome'], registers });
    this.xeroCalls = new Counter({ name: 'xero_sync_xero_calls_total', help: 'Xero API calls by operation and HTTP status', labelNames: ['operation', 'status'], registers });
    this.rateLimited = new Counter({ name: 'xero_sync_rate_limited_total', help: "Xero 429s by X-Rate-Limit-Problem", labelNames: ['problem'], registers });
    this.limiterWait = new Histogram({
      name: 'xero_sync_limiter_wait_seconds',
      help: 'How long a call waited for the tenant and app budgets',
      buckets: [0, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    });
    this.backlog = new Gauge({ name: 'xero_sync_ledger_backlog', help: 'Customers waiting for a push, per tenant', labelNames: ['retailer'], registers });
    this.oldestPending = new Gauge({ name: 'xero_sync_oldest_pending_seconds', help: 'Age of the oldest change waiting for a push, per tenant', labelNames: ['retailer'], registers });
    this.tenantsLeased = new Gauge({ name: 'xero_sync_tenants_leased', help: 'Tenants this worker pushes (holds the lease of)', labelNames: ['worker'], registers });
    this.webhooks = new Counter({ name: 'xero_sync_webhooks_total', help: 'Webhook deliveries from Xero: received (signature right) or rejected', labelNames: ['outcome'], registers });
    this.driftFound = new Counter({ name: 'xero_sync_drift_found_total', help: 'Customers found edited in Xero (fields that differ from what the POS pushed)', registers });
    this.tokenRefreshes = new Counter({ name: 'xero_sync_token_refreshes_total', help: 'Access-token refreshes by outcome', labelNames: ['outcome'], registers });
  }
}
