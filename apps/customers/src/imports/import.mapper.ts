import { ImportResponse } from './dto/import.dto';
import { ImportJobDoc, ImportProblemDoc } from './schemas/import.schema';

function summary(j: ImportJobDoc): string {
  const what = j.dryRun ? 'dry run: nothing was changed' : 'customers were created and linked as counted';
  const of = j.pageCount ? ` of ${j.pageCount}` : '';
  switch (j.status) {
    case 'queued':
      return 'waiting for xero-sync to read the first page of contacts from Xero';
    case 'running':
      return `${j.pagesDone}${of} pages applied; ${j.dryRun ? 'dry run: nothing is changed' : 'each page is applied as it arrives'}`;
    case 'completed':
      return `completed: ${j.pagesDone} pages; ${what}`;
    case 'failed':
      return `failed after ${j.pagesDone}${of} pages: ${j.finished?.error ?? 'reading contacts from Xero failed'}; what those pages applied stays; start a new import to finish (contacts already linked are skipped)`;
    case 'cancelled': {
      const ignored = j.pagesIgnored.length ? `; ${j.pagesIgnored.length} page(s) arriving later were ignored` : '';
      return `cancelled after ${j.pagesDone}${of} pages: what those pages applied stays${j.dryRun ? ' (a dry run applied nothing)' : ''}${ignored}`;
    }
  }
}

function toProblem(p: ImportProblemDoc) {
  return {
    kind: p.kind,
    reason: p.reason,
    message: p.message,
    page: p.page,
    ...(p.rule ? { rule: p.rule } : {}),
    contact: p.contact,
    customers: p.customers,
    ...(p.otherContacts ? { otherContacts: p.otherContacts } : {}),
  };
}

/** The import as the API shows it: an explicit list of fields, never the stored document. */
export function toImportResponse(j: ImportJobDoc, problems?: ImportProblemDoc[]): ImportResponse {
  const c = j.counts;
  return {
    id: j._id,
    status: j.status,
    dryRun: j.dryRun,
    matchBy: j.matchBy,
    pages: { done: j.pagesDone, total: j.pageCount ?? j.finished?.pages ?? null, ignored: [...j.pagesIgnored].sort((a, b) => a - b) },
    contacts: {
      seen: c.seen,
      created: c.created,
      linked: c.linked,
      skipped: { supplierOnly: c.skippedSupplierOnly, archived: c.skippedArchived, alreadyLinked: c.skippedAlreadyLinked },
      ambiguous: c.ambiguous,
      refused: c.refused,
    },
    summary: summary(j),
    error: j.finished?.error ?? null,
    ...(problems ? { problems: problems.map(toProblem) } : {}),
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
    cancelledAt: j.cancelledAt,
  };
}
