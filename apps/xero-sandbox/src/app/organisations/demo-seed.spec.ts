import { ManualClock } from '../core/clock';
import { designationOf } from '../contacts/contact';
import { allocate, seedContacts, seedDemoContacts } from './demo-seed';
import { Organisation } from './organisation';

function org(): Organisation {
  const clock = new ManualClock(0);
  return new Organisation(
    Organisation.createRecord(
      { tenantId: '11111111-1111-4111-8111-111111111111', name: 'O' },
      0,
    ),
    clock,
    () => undefined,
  );
}

describe('seeding', () => {
  it('splits a count by weights, remainder to the heaviest', () => {
    expect(allocate(10)).toEqual({
      customer: 2,
      supplier: 2,
      both: 2,
      general: 2,
      archived: 2,
    });
    expect(allocate(7, { customer: 3, general: 1 })).toEqual({
      customer: 6,
      supplier: 0,
      both: 0,
      general: 1,
      archived: 0,
    });
    expect(() => allocate(3, { customer: 0 })).toThrow();
  });

  it('seeds unique names with the asked designations, again and again', () => {
    const o = org();
    seedContacts(o, { count: 5, mix: { supplier: 1 } });
    seedContacts(o, { count: 5, mix: { archived: 1 }, withDetails: false });
    const all = o.contacts.all();
    expect(new Set(all.map((c) => c.Name)).size).toBe(10);
    expect(all.filter((c) => c.ContactStatus === 'ARCHIVED')).toHaveLength(5);
    expect(
      all
        .filter((c) => c.ContactStatus === 'ACTIVE')
        .every((c) => designationOf(c) === 'supplier'),
    ).toBe(true);
  });

  it('gives the demo organisation every designation, an archived one and a merged one', () => {
    const o = org();
    seedDemoContacts(o);
    const active = o.contacts.all().filter((c) => c.ContactStatus === 'ACTIVE');
    expect(new Set(active.map(designationOf))).toEqual(
      new Set(['customer', 'supplier', 'both', 'general']),
    );
    expect(
      o.contacts
        .all()
        .some((c) => c.ContactStatus === 'ARCHIVED' && !c.MergedToContactID),
    ).toBe(true);
    expect(o.contacts.all().some((c) => c.MergedToContactID)).toBe(true);
  });
});
