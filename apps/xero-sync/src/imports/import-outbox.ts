import { Injectable } from '@nestjs/common';
import { DocumentWrites, EmbeddedOutboxStore } from '@pos/persistence';
import { ImportJobDoc, ImportJobs, ImportPageDoc, ImportPages } from './import-job.schema';

/** The import jobs' outbox: xero.import-finished.v1 of an empty organisation or a failed import. */
@Injectable()
export class ImportJobsOutbox extends EmbeddedOutboxStore<ImportJobDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, ImportJobs);
  }
}

/** The fetched pages' outbox: each page's xero.contacts-page.v1 (and the last page's xero.import-finished.v1). */
@Injectable()
export class ImportPagesOutbox extends EmbeddedOutboxStore<ImportPageDoc> {
  constructor(writes: DocumentWrites) {
    super(writes, ImportPages);
  }
}
