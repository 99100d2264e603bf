import { Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { EventsController } from '@pos/messaging';
import { XeroImportCancelled, XeroImportCancelledV1, XeroImportRequested, XeroImportRequestedV1 } from '@pos/sync-contracts';
import { ImportJobsRepository } from './import-jobs.repository';

/**
 * Consumes what customers asks of an import (validated by the contract classes): a request records
 * the job (idempotent by import id; the tenant's lease holder pages it), a cancel stops its paging.
 * The transport acks only after the write is durable.
 */
@EventsController()
export class ImportRequestsController {
  private readonly logger = new Logger(ImportRequestsController.name);

  constructor(private readonly jobs: ImportJobsRepository) {}

  @EventPattern(XeroImportRequested.routingKey)
  async onRequested(@Payload() e: XeroImportRequestedV1): Promise<void> {
    const outcome = await this.jobs.request({ importId: e.importId, retailerId: e.retailerId, dryRun: e.dryRun, matchBy: e.matchBy });
    this.logger.log(`${e.type} ${e.importId}${e.dryRun ? ' (dry run)' : ''}: ${outcome}`);
  }

  @EventPattern(XeroImportCancelled.routingKey)
  async onCancelled(@Payload() e: XeroImportCancelledV1): Promise<void> {
    const outcome = await this.jobs.cancel(e.importId, e.retailerId);
    this.logger.log(`${e.type} ${e.importId}: ${outcome}`);
  }
}
