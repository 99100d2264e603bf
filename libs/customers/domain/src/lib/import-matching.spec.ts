import {
  ImportedContact,
  MATCH_RULES,
  MatchCandidate,
  claimOutcome,
  decideContact,
  designationOf,
  findMatch,
  importSource,
  importedLink,
  undoImportedLink,
} from './import-matching';
import { newXeroLink } from './xero-link';

const SOURCE = importSource('imp-1');

function contact(over: Partial<ImportedContact> = {}): ImportedContact {
  return {
    xeroContactId: 'x-1',
    contactStatus: 'ACTIVE',
    isCustomer: true,
    isSupplier: false,
    name: 'Ada Lovelace',
    emailAddress: 'ada@example.com',
    fields: { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' },
    ...over,
  };
}

function customer(id: string, fields: MatchCandidate['fields'], over: Partial<MatchCandidate> = {}): MatchCandidate {
  return { id, fields, ...over };
}

const decide = (c: ImportedContact, candidates: MatchCandidate[], extra: { linked?: MatchCandidate; matchBy?: readonly (typeof MATCH_RULES)[number][] } = {}) =>
  decideContact(c, { source: SOURCE, candidates, matchBy: extra.matchBy ?? MATCH_RULES, linked: extra.linked });

describe('import matching', () => {
  describe('which contacts come in', () => {
    it.each([
      [true, false, 'customer'],
      [true, true, 'customer_and_supplier'],
      [false, false, 'general'],
      [false, true, 'supplier'],
    ] as const)('IsCustomer %s, IsSupplier %s is a %s contact', (isCustomer, isSupplier, designation) => {
      expect(designationOf({ isCustomer, isSupplier })).toBe(designation);
    });

    it('customers, customers that are also suppliers, and general contacts come in', () => {
      for (const d of [
        { isCustomer: true, isSupplier: false },
        { isCustomer: true, isSupplier: true },
        { isCustomer: false, isSupplier: false },
      ]) {
        expect(decide(contact(d), [])).toEqual({ outcome: 'created' });
      }
    });

    it('supplier-only contacts are skipped', () => {
      expect(decide(contact({ isCustomer: false, isSupplier: true }), [])).toEqual({ outcome: 'skipped', reason: 'supplier_only' });
    });

    it('archived contacts (and contacts being erased) are skipped, even a customer matching a POS customer', () => {
      const ada = customer('c-1', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
      expect(decide(contact({ contactStatus: 'ARCHIVED' }), [ada])).toEqual({ outcome: 'skipped', reason: 'archived' });
      expect(decide(contact({ contactStatus: 'GDPRREQUEST' }), [])).toEqual({ outcome: 'skipped', reason: 'archived' });
      expect(decide(contact({ contactStatus: 'ARCHIVED', isCustomer: false, isSupplier: true }), [])).toMatchObject({ reason: 'archived' });
    });
  });

  describe('each rule', () => {
    const other = customer('c-9', { companyName: 'Someone Else', email: 'else@example.com', customerCode: 'ELSE' });

    it('contactNumber: the POS customer whose id Xero holds as ContactNumber', () => {
      const p = customer('0b7c1e2a-0000-4000-8000-000000000001', { companyName: 'Renamed Ltd' });
      const c = contact({ contactNumber: '0B7C1E2A-0000-4000-8000-000000000001', emailAddress: undefined, name: 'Other name' });
      expect(decide(c, [other, p])).toEqual({ outcome: 'linked', customerId: p.id, rule: 'contactNumber' });
    });

    it('accountNumber: the POS customer code, case- and accent-insensitive', () => {
      const p = customer('c-2', { companyName: 'Café Ltd', customerCode: 'café-01' });
      expect(decide(contact({ accountNumber: 'CAFE-01', emailAddress: undefined }), [other, p])).toEqual({
        outcome: 'linked',
        customerId: 'c-2',
        rule: 'accountNumber',
      });
    });

    it('nameAndEmail: the same name (company name, else first and last name) and the same email', () => {
      const p = customer('c-3', { firstName: 'Zoë', lastName: 'Ångström', email: 'Zoe@Example.com' });
      const c = contact({ name: 'zoe angstrom', emailAddress: 'zoe@example.COM' });
      expect(decide(c, [other, p])).toEqual({ outcome: 'linked', customerId: 'c-3', rule: 'nameAndEmail' });
      expect(findMatch(contact({ name: 'Zoe Other', emailAddress: 'zoe@example.com' }), [p], ['nameAndEmail'])).toBeUndefined();
    });

    it('email: the same email whatever the name', () => {
      const p = customer('c-4', { companyName: 'Lovelace Analytical', email: 'ADA@example.com' });
      expect(decide(contact(), [other, p])).toEqual({ outcome: 'linked', customerId: 'c-4', rule: 'email' });
    });

    it('a contact without the key never matches by that rule (empty never equals empty)', () => {
      const blank = customer('c-5', { companyName: 'No Email' });
      expect(findMatch(contact({ emailAddress: undefined, accountNumber: undefined, contactNumber: undefined }), [blank], MATCH_RULES)).toBeUndefined();
    });

    it('no rule finds anyone: a new customer is created', () => {
      expect(decide(contact(), [other])).toEqual({ outcome: 'created' });
    });
  });

  describe('order of the rules', () => {
    const byCode = customer('c-code', { companyName: 'By Code', customerCode: 'ADA1' });
    const byEmail = customer('c-email', { companyName: 'By Email', email: 'ada@example.com' });
    const c = contact({ accountNumber: 'ADA1' });

    it('the first rule in matchBy that finds any customer decides', () => {
      expect(decide(c, [byEmail, byCode])).toMatchObject({ outcome: 'linked', customerId: 'c-code', rule: 'accountNumber' });
      expect(decide(c, [byEmail, byCode], { matchBy: ['email', 'accountNumber'] })).toMatchObject({ customerId: 'c-email', rule: 'email' });
    });

    it('a rule left out of matchBy is not used', () => {
      expect(decide(c, [byCode], { matchBy: ['email'] })).toEqual({ outcome: 'created' });
    });

    it('an earlier rule finding several customers decides (ambiguous) even when a later one finds exactly one', () => {
      const twin1 = customer('t-1', { companyName: 'Twin One', email: 'ada@example.com' });
      const twin2 = customer('t-2', { companyName: 'Twin Two', email: 'ada@example.com' });
      expect(decide(c, [twin1, twin2, byCode], { matchBy: ['email', 'accountNumber'] })).toMatchObject({
        outcome: 'ambiguous',
        reason: 'several_customers',
        rule: 'email',
        customers: [twin1, twin2],
      });
    });
  });

  describe('ambiguity', () => {
    it('a contact matching two POS customers is ambiguous and both are shown', () => {
      const a = customer('c-a', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' });
      const b = customer('c-b', { firstName: 'ada', lastName: 'LOVELACE', email: 'ada@example.com' });
      expect(decide(contact(), [a, b])).toEqual({ outcome: 'ambiguous', reason: 'several_customers', rule: 'nameAndEmail', customers: [a, b] });
    });

    it('two contacts matching one POS customer: the first keeps the claim only while it is alone', () => {
      expect(claimOutcome(['x-1'], 'x-1')).toBe('link');
      expect(claimOutcome(['x-1', 'x-2'], 'x-1')).toBe('ambiguous');
      expect(claimOutcome(['x-1', 'x-2'], 'x-2')).toBe('ambiguous');
    });

    it('a POS customer linked to another contact is not relinked: the contact is ambiguous', () => {
      const p = customer('c-1', { companyName: 'Linked', email: 'ada@example.com' }, { xeroContactId: 'x-other' });
      expect(decide(contact(), [p])).toEqual({ outcome: 'ambiguous', reason: 'customer_linked_elsewhere', rule: 'email', customers: [p] });
    });

    it('a POS customer this import linked to another contact is matched again, so that the caller sees the double claim', () => {
      const origin = { reason: 'linked' as const, source: SOURCE, rule: 'email', at: '2026-01-01T00:00:00Z' };
      const p = customer('c-1', { companyName: 'Claimed', email: 'ada@example.com' }, { xeroContactId: 'x-first', linkedBy: origin });
      expect(decide(contact({ xeroContactId: 'x-second' }), [p])).toEqual({ outcome: 'linked', customerId: 'c-1', rule: 'email' });
    });
  });

  describe('re-runs and replays', () => {
    it('a contact already linked to a POS customer is skipped as already linked', () => {
      const p = customer('c-1', { companyName: 'Linked' }, { xeroContactId: 'x-1', linkedBy: { reason: 'created', source: importSource('earlier'), at: 't' } });
      expect(decide(contact(), [p], { linked: p })).toEqual({ outcome: 'skipped', reason: 'already_linked', customerId: 'c-1' });
    });

    it('a page replayed after a crash counts what this import did the first time', () => {
      const linked = customer('c-1', {}, { xeroContactId: 'x-1', linkedBy: { reason: 'linked', source: SOURCE, rule: 'accountNumber', at: 't' } });
      expect(decide(contact(), [], { linked })).toEqual({ outcome: 'linked', customerId: 'c-1', rule: 'accountNumber' });
      const created = customer('c-2', {}, { xeroContactId: 'x-1', linkedBy: { reason: 'created', source: SOURCE, at: 't' } });
      expect(decide(contact(), [], { linked: created })).toEqual({ outcome: 'created' });
    });

    it('customers this import created are not candidates: look-alike contacts each get their own customer', () => {
      const made = customer('c-made', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com' }, {
        xeroContactId: 'x-1',
        linkedBy: { reason: 'created', source: SOURCE, at: 't' },
      });
      expect(decide(contact({ xeroContactId: 'x-2' }), [made])).toEqual({ outcome: 'created' });
    });
  });

  describe('the link an import makes', () => {
    it('starts synced with nothing pending and says where it came from', () => {
      const link = importedLink({ ...newXeroLink(), pendingFields: ['email'] }, { contactId: 'x-1', version: 3, source: SOURCE, reason: 'linked', rule: 'email', at: 't' });
      expect(link).toMatchObject({ status: 'synced', contactId: 'x-1', pendingFields: [], syncedVersion: 3, linkedBy: { reason: 'linked', source: SOURCE, rule: 'email' } });
    });

    it('is undone only when it is still the link this import made to that contact', () => {
      const link = importedLink(newXeroLink(), { contactId: 'x-1', version: 1, source: SOURCE, reason: 'linked', at: 't' });
      expect(undoImportedLink(link, 'x-1', SOURCE)).toMatchObject({ status: 'not_linked', contactId: undefined, linkedBy: undefined });
      expect(undoImportedLink(link, 'x-2', SOURCE)).toBeUndefined();
      expect(undoImportedLink(link, 'x-1', importSource('other'))).toBeUndefined();
    });
  });
});
