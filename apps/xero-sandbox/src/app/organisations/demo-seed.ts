import { AdminContactFields } from '../contacts/contact-book';
import { Organisation } from './organisation';

export const DEMO_ORGANISATION_NAME = 'Demo Retail Ltd';

const street = (line1: string, city: string, postcode: string) => ({
  AddressType: 'STREET',
  AddressLine1: line1,
  City: city,
  PostalCode: postcode,
  Country: 'New Zealand',
});

/**
 * The demo organisation's contacts: every designation a POS import has to tell apart (customer, supplier,
 * both, general, archived, merged), created as if by a person in Xero (no webhooks, no ContactNumber).
 */
export const DEMO_CONTACTS: AdminContactFields[] = [
  {
    Name: 'Aroha Williams',
    FirstName: 'Aroha',
    LastName: 'Williams',
    EmailAddress: 'aroha.williams@example.co.nz',
    AccountNumber: 'CUST-001',
    Phones: [{ PhoneType: 'MOBILE', PhoneNumber: '021 555 0101' }],
    Addresses: [street('12 Queen Street', 'Auckland', '1010')],
    IsCustomer: true,
    Balances: {
      AccountsReceivable: { Outstanding: 120.5, Overdue: 0 },
      AccountsPayable: { Outstanding: 0, Overdue: 0 },
    },
  },
  {
    Name: 'Ben Carter',
    FirstName: 'Ben',
    LastName: 'Carter',
    EmailAddress: 'ben.carter@example.co.nz',
    Phones: [
      { PhoneType: 'DEFAULT', PhoneNumber: '09 555 0102', PhoneAreaCode: '09' },
    ],
    IsCustomer: true,
  },
  {
    Name: 'Chloe Nguyen',
    FirstName: 'Chloe',
    LastName: 'Nguyen',
    EmailAddress: 'chloe.nguyen@example.co.nz',
    AccountNumber: 'CUST-003',
    IsCustomer: true,
  },
  {
    Name: 'Kiwi Wholesale Supplies Ltd',
    EmailAddress: 'accounts@kiwiwholesale.example.co.nz',
    Phones: [{ PhoneType: 'DEFAULT', PhoneNumber: '04 555 0200' }],
    Addresses: [street('200 Lambton Quay', 'Wellington', '6011')],
    IsSupplier: true,
    Balances: {
      AccountsReceivable: { Outstanding: 0, Overdue: 0 },
      AccountsPayable: { Outstanding: 845.0, Overdue: 0 },
    },
  },
  {
    Name: 'Harbour Cafe Ltd',
    EmailAddress: 'hello@harbourcafe.example.co.nz',
    AccountNumber: 'CUST-010',
    Phones: [
      { PhoneType: 'DEFAULT', PhoneNumber: '03 555 0300' },
      { PhoneType: 'FAX', PhoneNumber: '03 555 0301' },
    ],
    Addresses: [
      street('1 Marine Parade', 'Napier', '4110'),
      {
        AddressType: 'POBOX',
        AddressLine1: 'PO Box 300',
        City: 'Napier',
        PostalCode: '4140',
      },
    ],
    IsCustomer: true,
    IsSupplier: true,
  },
  {
    Name: 'Jordan Lee',
    FirstName: 'Jordan',
    LastName: 'Lee',
    EmailAddress: 'jordan.lee@example.co.nz',
  },
  {
    Name: 'Te Awa Community Trust',
    EmailAddress: 'admin@teawa.example.org.nz',
  },
  {
    Name: 'Old Corner Store',
    EmailAddress: 'owner@oldcorner.example.co.nz',
    IsCustomer: true,
    ContactStatus: 'ARCHIVED',
  },
  {
    Name: 'Pacific Packaging Co',
    IsSupplier: true,
    ContactStatus: 'ARCHIVED',
  },
];

export function seedDemoContacts(org: Organisation): void {
  for (const fields of DEMO_CONTACTS)
    org.contacts.adminCreate(fields, { silent: true });
  // A duplicate a bookkeeper merged into Aroha Williams: archived, pointing at the survivor.
  const survivor = org.contacts.all().find((c) => c.Name === 'Aroha Williams');
  const duplicate = org.contacts.adminCreate(
    {
      Name: 'Aroha Williams (old)',
      EmailAddress: 'aroha@example.co.nz',
      IsCustomer: true,
    },
    { silent: true },
  );
  if (survivor)
    org.contacts.merge(duplicate.ContactID, survivor.ContactID, {
      silent: true,
    });
}

export interface SeedMix {
  customer?: number;
  supplier?: number;
  both?: number;
  general?: number;
  archived?: number;
}

export interface SeedRequest {
  count: number;
  /** Weights per designation (default: equal). `archived` contacts are archived customers. */
  mix?: SeedMix;
  prefix?: string;
  /** Fill email, phone and street address (default true). */
  withDetails?: boolean;
  /** Raise CREATE webhooks for the seeded contacts (default false: they stand for existing data). */
  webhooks?: boolean;
}

const KINDS = ['customer', 'supplier', 'both', 'general', 'archived'] as const;

/** Splits `count` by the weights: floor of each share, the remainder to the heaviest kinds first. */
export function allocate(
  count: number,
  mix: SeedMix = {},
): Record<(typeof KINDS)[number], number> {
  const weights = KINDS.map((k) =>
    Math.max(0, mix[k] ?? (Object.keys(mix).length === 0 ? 1 : 0)),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0)
    throw new Error('mix must give at least one designation a positive weight');
  const counts = weights.map((w) => Math.floor((count * w) / total));
  let left = count - counts.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ w, i }))
    .sort((a, b) => b.w - a.w || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length) {
    if (order[j].w > 0) {
      counts[order[j].i]++;
      left--;
    }
  }
  return Object.fromEntries(KINDS.map((k, i) => [k, counts[i]])) as Record<
    (typeof KINDS)[number],
    number
  >;
}

export function seedContacts(
  org: Organisation,
  req: SeedRequest,
): { created: number; byDesignation: Record<string, number> } {
  if (!Number.isInteger(req.count) || req.count < 0 || req.count > 200_000)
    throw new Error('count must be an integer 0..200000');
  const counts = allocate(req.count, req.mix);
  const prefix = req.prefix ?? 'Seed Contact';
  const withDetails = req.withDetails ?? true;
  const taken = new Set(
    org.contacts.all().map((c) => c.Name.trim().toLowerCase()),
  );
  let n = 1;
  const nextName = () => {
    while (taken.has(`${prefix} ${n}`.toLowerCase())) n++;
    const name = `${prefix} ${n}`;
    taken.add(name.toLowerCase());
    n++;
    return name;
  };
  for (const kind of KINDS) {
    for (let i = 0; i < counts[kind]; i++) {
      const name = nextName();
      const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '.');
      const fields: AdminContactFields = {
        Name: name,
        IsCustomer:
          kind === 'customer' || kind === 'both' || kind === 'archived',
        IsSupplier: kind === 'supplier' || kind === 'both',
        ...(kind === 'archived' ? { ContactStatus: 'ARCHIVED' as const } : {}),
      };
      if (withDetails) {
        fields['EmailAddress'] = `${slug}@example.com`;
        fields['Phones'] = [
          {
            PhoneType: 'DEFAULT',
            PhoneNumber: `555 ${String(n).padStart(4, '0')}`,
          },
        ];
        fields['Addresses'] = [street(`${n} Example Road`, 'Auckland', '1010')];
      }
      org.contacts.adminCreate(fields, { silent: !req.webhooks });
    }
  }
  return { created: req.count, byDesignation: counts };
}
