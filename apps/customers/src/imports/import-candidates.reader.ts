import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ImportedContact, MatchCandidate, contactKeys, normaliseForSearch } from '@pos/customers-domain';
import { FilterQuery, Model } from 'mongoose';
import { CUSTOMERS, CustomerDoc } from '../customers/schemas/customer.schema';

/** A POS customer as matching sees it, with the stored code key (what a new customer's code would clash with). */
export interface Candidate extends MatchCandidate {
  codeKey: string;
}

export function toCandidate(doc: Pick<CustomerDoc, '_id' | 'fields' | 'xero' | 'codeKey'>): Candidate {
  return { id: doc._id, fields: doc.fields, xeroContactId: doc.xero.contactId, linkedBy: doc.xero.linkedBy, codeKey: doc.codeKey };
}

/**
 * The POS customers a page of contacts may match, read in a few queries per page (not per
 * contact) on the stored normalised keys: the linked contact id, the id (ContactNumber), the code
 * key (AccountNumber) and the search keys (email). No collation or $text (DESIGN §6).
 */
@Injectable()
export class ImportCandidatesReader {
  constructor(@InjectModel(CUSTOMERS) private readonly customers: Model<CustomerDoc>) {}

  async forPage(retailerId: string, contacts: readonly ImportedContact[]): Promise<Candidate[]> {
    const keys = contacts.map(contactKeys);
    const ids = [...new Set(contacts.map((c) => c.xeroContactId))];
    const numbers = uniq(keys.map((k) => k.contactNumber));
    const codes = uniq([...keys.map((k) => k.accountNumber), ...contacts.map((c) => normaliseForSearch(c.fields.customerCode) || undefined)]);
    const emails = uniq(keys.map((k) => k.email));
    const live = { retailerId, deletedAt: null };
    const queries: FilterQuery<CustomerDoc>[] = [{ ...live, 'xero.contactId': { $in: ids } }];
    if (numbers.length) queries.push({ _id: { $in: numbers } });
    if (codes.length) queries.push({ ...live, codeKey: { $in: codes } });
    if (emails.length) queries.push({ ...live, searchKeys: { $in: emails } });
    const found = new Map<string, Candidate>();
    for (const q of queries) {
      const docs = await this.customers.find(q, { _id: 1, retailerId: 1, fields: 1, xero: 1, codeKey: 1, deletedAt: 1 }).lean<CustomerDoc[]>().exec();
      for (const d of docs) if (d.retailerId === retailerId && !d.deletedAt) found.set(d._id, toCandidate(d));
    }
    return [...found.values()];
  }
}

function uniq(values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))];
}
