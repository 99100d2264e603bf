import { Clock } from '../core/clock';
import { newShortCode, randomString } from '../core/ids';
import { msDate } from '../core/ms-date';
import { ContactBook, ContactChange } from '../contacts/contact-book';
import { StoredContact } from '../contacts/contact';

export interface OrganisationRecord {
  OrganisationID: string;
  Name: string;
  LegalName: string;
  ShortCode: string;
  APIKey: string;
  CountryCode: string;
  BaseCurrency: string;
  Version: 'AU' | 'NZ' | 'GLOBAL' | 'UK' | 'US';
  Timezone: string;
  IsDemoCompany: boolean;
  CreatedDateUTC: number;
  /** Where this organisation's webhooks go (falls back to the sandbox-wide URL). */
  webhookUrl?: string;
}

export interface NewOrganisation {
  tenantId: string;
  name: string;
  shortCode?: string;
  countryCode?: string;
  baseCurrency?: string;
  version?: OrganisationRecord['Version'];
  timezone?: string;
  isDemoCompany?: boolean;
  webhookUrl?: string;
}

const VERSION_BY_COUNTRY: Record<string, OrganisationRecord['Version']> = {
  NZ: 'NZ',
  AU: 'AU',
  GB: 'UK',
  US: 'US',
};
const TZ_BY_COUNTRY: Record<string, string> = {
  NZ: 'NEWZEALANDSTANDARDTIME',
  AU: 'AUSEASTERNSTANDARDTIME',
  GB: 'GMTSTANDARDTIME',
  US: 'EASTERNSTANDARDTIME',
};
const CURRENCY_BY_COUNTRY: Record<string, string> = {
  NZ: 'NZD',
  AU: 'AUD',
  GB: 'GBP',
  US: 'USD',
};

/** A connected Xero organisation (a "tenant"): its details and its contacts. */
export class Organisation {
  readonly contacts: ContactBook;

  constructor(
    readonly record: OrganisationRecord,
    clock: Clock,
    onChange: (change: ContactChange) => void,
  ) {
    this.contacts = new ContactBook(record.OrganisationID, clock, onChange);
  }

  get tenantId(): string {
    return this.record.OrganisationID;
  }

  get name(): string {
    return this.record.Name;
  }

  static createRecord(input: NewOrganisation, now: number): OrganisationRecord {
    const country = (input.countryCode ?? 'NZ').toUpperCase();
    return {
      OrganisationID: input.tenantId,
      Name: input.name,
      LegalName: input.name,
      ShortCode: input.shortCode ?? newShortCode(),
      APIKey: randomString(30, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
      CountryCode: country,
      BaseCurrency: input.baseCurrency ?? CURRENCY_BY_COUNTRY[country] ?? 'USD',
      Version: input.version ?? VERSION_BY_COUNTRY[country] ?? 'GLOBAL',
      Timezone: input.timezone ?? TZ_BY_COUNTRY[country] ?? 'UTC',
      IsDemoCompany: input.isDemoCompany ?? false,
      CreatedDateUTC: now,
      webhookUrl: input.webhookUrl,
    };
  }

  /** GET /Organisation's element, shaped as the `Organisation` schema and Xero's example. */
  toXero(): Record<string, unknown> {
    const r = this.record;
    return {
      OrganisationID: r.OrganisationID,
      APIKey: r.APIKey,
      Name: r.Name,
      LegalName: r.LegalName,
      PaysTax: true,
      Version: r.Version,
      OrganisationType: 'COMPANY',
      BaseCurrency: r.BaseCurrency,
      CountryCode: r.CountryCode,
      IsDemoCompany: r.IsDemoCompany,
      OrganisationStatus: 'ACTIVE',
      FinancialYearEndDay: 31,
      FinancialYearEndMonth: 3,
      SalesTaxBasis: 'PAYMENTS',
      SalesTaxPeriod: 'TWOMONTHS',
      DefaultSalesTax: 'Tax Exclusive',
      DefaultPurchasesTax: 'Tax Exclusive',
      CreatedDateUTC: msDate(r.CreatedDateUTC),
      OrganisationEntityType: 'COMPANY',
      Timezone: r.Timezone,
      ShortCode: r.ShortCode,
      Edition: 'BUSINESS',
      Class: 'PREMIUM',
      Addresses: [],
      Phones: [],
      ExternalLinks: [],
      PaymentTerms: {},
    };
  }

  toJSON(): { record: OrganisationRecord; contacts: StoredContact[] } {
    return { record: { ...this.record }, contacts: this.contacts.toJSON() };
  }
}
