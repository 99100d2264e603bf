import { Clock } from '../core/clock';
import { parseIfModifiedSince } from '../core/ms-date';
import {
  ApiContext,
  NOT_FOUND_TEXT,
  XeroResult,
  envelope,
  postDataInvalid,
  queryParseException,
  validationException,
} from '../api/xero-http';
import { ElementOutcome, WriteMode } from './contact-book';
import { QueryError, runContactQuery } from './contact-query';
import { Messages } from './contact-messages';
import {
  SUMMARY_OMITTED_FIELDS,
  contactJson,
  errorElementJson,
} from './contact-view';
import { WhereParseError } from './where-clause';

export type QueryParams = Record<string, unknown>;

/** Query parameter names are case-insensitive in Xero's API. */
function param(query: QueryParams, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(query)) {
    if (k.toLowerCase() !== lower) continue;
    if (Array.isArray(v)) return v.map(String).join(',');
    if (typeof v === 'string') return v;
  }
  return undefined;
}

function boolParam(query: QueryParams, name: string): boolean | undefined {
  const v = param(query, name);
  if (v === undefined) return undefined;
  return v.trim().toLowerCase() === 'true';
}

function intParam(query: QueryParams, name: string): number | undefined {
  const v = param(query, name);
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** The Contacts endpoints of the Accounting API, over the organisation the pipeline resolved. */
export class ContactsApi {
  constructor(private readonly clock: Clock) {}

  list(
    ctx: ApiContext,
    query: QueryParams,
    ifModifiedSince: string | undefined,
  ): XeroResult {
    const org = ctx.organisation;
    if (!org) throw new Error('organisation missing');
    const summaryOnly = boolParam(query, 'summaryOnly') ?? false;
    try {
      // summaryOnly replies are always paged (page 1 unless asked), with the pagination block.
      const page = intParam(query, 'page') ?? (summaryOnly ? 1 : undefined);
      const result = runContactQuery(org.contacts.all(), {
        where: param(query, 'where'),
        order: param(query, 'order'),
        ids: param(query, 'IDs')
          ?.split(',')
          .map((s) => s.trim().replace(/^"|"$/g, ''))
          .filter(Boolean),
        page,
        pageSize: intParam(query, 'pageSize'),
        includeArchived: boolParam(query, 'includeArchived') ?? false,
        searchTerm: param(query, 'searchTerm')?.trim() || undefined,
        modifiedSince: parseIfModifiedSince(ifModifiedSince),
        unavailableFields: summaryOnly ? SUMMARY_OMITTED_FIELDS : undefined,
      });
      const detailed = page !== undefined;
      return {
        status: 200,
        body: envelope(ctx.providerName, this.clock.now(), {
          ...(result.pagination ? { pagination: result.pagination } : {}),
          Contacts: result.contacts.map((c) =>
            contactJson(c, { detailed, summaryOnly }),
          ),
        }),
      };
    } catch (e) {
      if (e instanceof WhereParseError || e instanceof QueryError)
        return { status: 400, body: queryParseException(e.message) };
      throw e;
    }
  }

  getOne(ctx: ApiContext, idOrNumber: string): XeroResult {
    const contact = ctx.organisation?.contacts.findByIdOrNumber(idOrNumber);
    if (!contact)
      return { status: 404, body: NOT_FOUND_TEXT, contentType: 'text' };
    return {
      status: 200,
      body: envelope(ctx.providerName, this.clock.now(), {
        Contacts: [contactJson(contact, { detailed: true })],
      }),
    };
  }

  /**
   * PUT /Contacts (create), POST /Contacts (create or update), POST /Contacts/{ContactID} (update one).
   * Elements are written one by one; with summarizeErrors (the default) any refused element turns the reply
   * into a 400 ValidationException listing the refused elements, while the others stay written.
   */
  write(
    ctx: ApiContext,
    mode: WriteMode,
    body: unknown,
    query: QueryParams,
    pathContactId?: string,
  ): XeroResult {
    const org = ctx.organisation;
    if (!org) throw new Error('organisation missing');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return {
        status: 400,
        body: postDataInvalid(
          'The request body must be JSON of the form {"Contacts": [ ... ]}',
        ),
      };
    }
    const elements = (body as Record<string, unknown>)['Contacts'];
    if (!Array.isArray(elements)) {
      return {
        status: 400,
        body: postDataInvalid(
          'The request body must be JSON of the form {"Contacts": [ ... ]}',
        ),
      };
    }
    if (elements.length === 0) {
      // Xero answers 400 to an empty batch (PUT and POST alike).
      return { status: 400, body: postDataInvalid(Messages.noContacts) };
    }
    if (mode === 'update' && elements.length !== 1) {
      return {
        status: 400,
        body: postDataInvalid(
          'Exactly one contact must be supplied to update a contact',
        ),
      };
    }
    const summarize = boolParam(query, 'summarizeErrors') ?? true;
    const outcomes: ElementOutcome[] = elements.map((el) =>
      org.contacts.write(el, mode, pathContactId),
    );
    if (
      mode === 'update' &&
      outcomes[0] &&
      !outcomes[0].ok &&
      outcomes[0].notFound
    ) {
      return { status: 404, body: NOT_FOUND_TEXT, contentType: 'text' };
    }
    const now = this.clock.now();
    if (summarize) {
      const refused = outcomes.filter((o) => !o.ok);
      if (refused.length > 0) {
        return {
          status: 400,
          body: validationException(
            refused.map((o) =>
              o.ok ? {} : errorElementJson(o.echo, o.contactId, o.errors),
            ),
          ),
        };
      }
      return {
        status: 200,
        body: envelope(ctx.providerName, now, {
          Contacts: outcomes.map((o) =>
            o.ok
              ? contactJson(o.contact, { detailed: false, write: true })
              : {},
          ),
        }),
      };
    }
    return {
      status: 200,
      body: envelope(ctx.providerName, now, {
        Contacts: outcomes.map((o) =>
          o.ok
            ? {
                ...contactJson(o.contact, { detailed: false, write: true }),
                StatusAttributeString: 'OK',
              }
            : {
                ...errorElementJson(o.echo, o.contactId, o.errors),
                StatusAttributeString: 'ERROR',
              },
        ),
      }),
    };
  }
}
