import { Injectable } from '@nestjs/common';
import { DocumentWrites, EmbeddedOutboxStore } from '@pos/persistence';
import { ImportJobDoc, ImportJobs } from '../imports/schemas/import.schema';

/** The import jobs' outbox: `xero.import-requested` and `xero.import-cancelled`, kept in each job's own document until published. */
@Injectable()
export class ImportsOutbox extends EmbeddedOutboxStore<ImportJobDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, ImportJobs);
  }
}
