import { Clock } from '../core/clock';
import { newId } from '../core/ids';
import {
  Balances,
  ContactStatus,
  StoredContact,
  cloneContact,
  contactNumberKey,
  nameKey,
} from './contact';
import {
  ParsedContactInput,
  isValidWebsite,
  parseContactInput,
} from './contact-input';
import { Messages } from './contact-messages';
import { applyPatch, blankContact } from './contact-merge';

export type WriteMode = 'create' | 'upsert' | 'update';

export type ElementOutcome =
  | { ok: true; contact: StoredContact; created: boolean }
  | {
      ok: false;
      errors: string[];
      echo: Record<string, unknown>;
      contactId?: string;
      notFound?: boolean;
    };

export interface ContactChange {
  tenantId: string;
  contactId: string;
  eventType: 'CREATE' | 'UPDATE';
  at: number;
}

/** Fields a Xero user can set in the web app (the /sandbox surface), beyond the API's. */
export interface AdminContactFields extends Record<string, unknown> {
  IsCustomer?: boolean;
  IsSupplier?: boolean;
  Website?: string;
  Discount?: number;
  Balances?: Balances;
  ContactStatus?: ContactStatus;
}

export class ContactBookError extends Error {
  constructor(
    message: string,
    readonly errors: string[] = [message],
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * The contacts of one organisation and Xero's rules for writing them. Not transactional across elements:
 * each element of a batch is validated against the state left by the previous one and written on its own.
 */
export class ContactBook {
  private readonly byId = new Map<string, StoredContact>();
  /** Active contacts by normalised name, for the uniqueness rule. */
  private readonly activeNames = new Map<string, Set<string>>();
  /** Every contact (archived and merged ones included) by normalised ContactNumber. */
  private readonly numbers = new Map<string, Set<string>>();

  constructor(
    readonly tenantId: string,
    private readonly clock: Clock,
    private readonly onChange: (change: ContactChange) => void = () =>
      undefined,
  ) {}

  get size(): number {
    return this.byId.size;
  }

  all(): StoredContact[] {
    return [...this.byId.values()];
  }

  get(id: string): StoredContact | undefined {
    return this.byId.get(id.toLowerCase());
  }

  /**
   * GET /Contacts/{ContactNumber}: the contact carrying exactly that number. Xero's documentation does not
   * say whether the lookup ignores letter case; the sandbox takes the stricter reading and matches the
   * exact text only (`abc-1` does not find `ABC-1`).
   */
  findByNumber(contactNumber: string): StoredContact | undefined {
    for (const id of this.numbers.get(contactNumberKey(contactNumber)) ?? []) {
      const c = this.byId.get(id);
      if (c?.ContactNumber === contactNumber) return c;
    }
    return undefined;
  }

  /** The path segment of GET /Contacts/{x} is a ContactID or a ContactNumber. */
  findByIdOrNumber(idOrNumber: string): StoredContact | undefined {
    return this.get(idOrNumber) ?? this.findByNumber(idOrNumber);
  }

  /** One element of a PUT / POST Contacts request. */
  write(raw: unknown, mode: WriteMode, pathContactId?: string): ElementOutcome {
    const parsed = parseContactInput(raw);
    const errors = [...parsed.errors];
    let target: StoredContact | undefined;
    if (mode === 'update') {
      target = pathContactId ? this.get(pathContactId) : undefined;
      if (!target)
        return {
          ok: false,
          errors: [Messages.contactNotFound(pathContactId ?? '')],
          echo: parsed.echo,
          notFound: true,
        };
    } else if (parsed.patch.ContactID) {
      if (mode === 'create') {
        errors.push(Messages.createWithId(parsed.patch.ContactID));
      } else {
        target = this.get(parsed.patch.ContactID);
        if (!target)
          errors.push(Messages.contactNotFound(parsed.patch.ContactID));
      }
    }
    if (target?.Website && !isValidWebsite(target.Website))
      errors.push(Messages.websiteInvalid);
    if (target) errors.push(...archivedErrors(target, raw));
    if (errors.length > 0) return this.refuse(parsed, errors, target);

    const now = this.clock.now();
    const next = applyPatch(target ?? blankContact(newId(), now), parsed.patch);
    const nameErrors = [
      ...this.nameErrors(next, parsed.patch.strings.Name),
      ...this.numberErrors(next),
    ];
    if (nameErrors.length > 0) return this.refuse(parsed, nameErrors, target);

    next.UpdatedDateUTC = now;
    this.commit(next);
    this.onChange({
      tenantId: this.tenantId,
      contactId: next.ContactID,
      eventType: target ? 'UPDATE' : 'CREATE',
      at: now,
    });
    return { ok: true, contact: cloneContact(next), created: !target };
  }

  private refuse(
    parsed: ParsedContactInput,
    errors: string[],
    target?: StoredContact,
  ): ElementOutcome {
    return {
      ok: false,
      errors,
      echo: parsed.echo,
      contactId: target?.ContactID,
    };
  }

  private nameErrors(
    next: StoredContact,
    submittedName: string | undefined,
  ): string[] {
    next.Name = next.Name.trim();
    if (!next.Name) return [Messages.nameRequired];
    if (next.ContactStatus !== 'ACTIVE') return [];
    const owners = this.activeNames.get(nameKey(next.Name));
    const clash = owners && [...owners].some((id) => id !== next.ContactID);
    return clash
      ? [Messages.nameTaken(submittedName?.trim() || next.Name)]
      : [];
  }

  /**
   * ContactNumber is unique across *all* contacts of the organisation, archived and merged ones included
   * (Xero keeps it as the external key of a contact). Compared trimmed and case-insensitively: the
   * stricter reading, as Xero's documentation does not say whether letter case distinguishes two numbers.
   */
  private numberErrors(next: StoredContact): string[] {
    if (!next.ContactNumber?.trim()) return [];
    const owners = this.numbers.get(contactNumberKey(next.ContactNumber));
    const clash = owners && [...owners].some((id) => id !== next.ContactID);
    return clash ? [Messages.contactNumberTaken(next.ContactNumber)] : [];
  }

  private commit(next: StoredContact): void {
    const previous = this.byId.get(next.ContactID);
    if (previous && previous.ContactStatus === 'ACTIVE')
      unindex(this.activeNames, nameKey(previous.Name), previous.ContactID);
    if (previous?.ContactNumber)
      unindex(
        this.numbers,
        contactNumberKey(previous.ContactNumber),
        previous.ContactID,
      );
    this.byId.set(next.ContactID, next);
    if (next.ContactStatus === 'ACTIVE')
      index(this.activeNames, nameKey(next.Name), next.ContactID);
    if (next.ContactNumber)
      index(this.numbers, contactNumberKey(next.ContactNumber), next.ContactID);
  }

  /** A contact created by a person in Xero's web app (or earlier through the API): designations allowed. */
  adminCreate(
    fields: AdminContactFields,
    opts: { silent?: boolean } = {},
  ): StoredContact {
    const { extras, rest } = splitAdminFields(fields);
    const parsed = parseContactInput(rest);
    if (parsed.patch.ContactID && this.get(parsed.patch.ContactID)) {
      throw new ContactBookError(
        `Contact ${parsed.patch.ContactID} already exists`,
      );
    }
    if (parsed.errors.length > 0)
      throw new ContactBookError(parsed.errors[0], parsed.errors);
    const now = this.clock.now();
    const next = applyPatch(
      blankContact(parsed.patch.ContactID ?? newId(), now),
      parsed.patch,
    );
    applyExtras(next, extras);
    const nameErrors = [
      ...this.nameErrors(next, next.Name),
      ...this.numberErrors(next),
    ];
    if (nameErrors.length > 0)
      throw new ContactBookError(nameErrors[0], nameErrors);
    this.commit(next);
    if (!opts.silent)
      this.onChange({
        tenantId: this.tenantId,
        contactId: next.ContactID,
        eventType: 'CREATE',
        at: now,
      });
    return cloneContact(next);
  }

  /**
   * An edit by a Xero user in the web app. ContactNumber is read-only there. Changing only IsCustomer,
   * IsSupplier or Balances does not move UpdatedDateUTC (reported Xero behaviour); anything else does.
   */
  adminEdit(id: string, fields: AdminContactFields): StoredContact {
    const target = this.get(id);
    if (!target)
      throw new ContactBookError(`Contact ${id} not found`, undefined, 404);
    if ('ContactNumber' in fields) {
      throw new ContactBookError(
        'ContactNumber is read-only in Xero (settable only through the API)',
      );
    }
    const { extras, rest } = splitAdminFields(fields);
    delete rest['ContactID'];
    const parsed = parseContactInput(rest);
    if (parsed.errors.length > 0)
      throw new ContactBookError(parsed.errors[0], parsed.errors);
    const next = applyPatch(target, parsed.patch);
    applyExtras(next, extras);
    const nameErrors = this.nameErrors(next, parsed.patch.strings.Name);
    if (nameErrors.length > 0)
      throw new ContactBookError(nameErrors[0], nameErrors);
    const designationOnly =
      Object.keys(rest).length === 0 &&
      Object.keys(extras).every((k) =>
        ['IsCustomer', 'IsSupplier', 'Balances'].includes(k),
      );
    const now = this.clock.now();
    if (!designationOnly) next.UpdatedDateUTC = now;
    this.commit(next);
    this.onChange({
      tenantId: this.tenantId,
      contactId: next.ContactID,
      eventType: 'UPDATE',
      at: now,
    });
    return cloneContact(next);
  }

  /** Xero's "merge contacts": the source is archived and points at the destination, which keeps its data. */
  merge(
    fromId: string,
    toId: string,
    opts: { silent?: boolean } = {},
  ): { from: StoredContact; to: StoredContact } {
    const from = this.get(fromId);
    const to = this.get(toId);
    if (!from || !to)
      throw new ContactBookError(
        `Contact ${!from ? fromId : toId} not found`,
        undefined,
        404,
      );
    if (from.ContactID === to.ContactID)
      throw new ContactBookError('A contact cannot be merged into itself');
    if (to.ContactStatus !== 'ACTIVE')
      throw new ContactBookError('The destination contact must be active');
    const now = this.clock.now();
    const archived = cloneContact(from);
    archived.ContactStatus = 'ARCHIVED';
    archived.MergedToContactID = to.ContactID;
    archived.UpdatedDateUTC = now;
    const kept = cloneContact(to);
    kept.IsCustomer = kept.IsCustomer || from.IsCustomer;
    kept.IsSupplier = kept.IsSupplier || from.IsSupplier;
    kept.UpdatedDateUTC = now;
    this.commit(archived);
    this.commit(kept);
    if (!opts.silent) {
      this.onChange({
        tenantId: this.tenantId,
        contactId: archived.ContactID,
        eventType: 'UPDATE',
        at: now,
      });
      this.onChange({
        tenantId: this.tenantId,
        contactId: kept.ContactID,
        eventType: 'UPDATE',
        at: now,
      });
    }
    return { from: cloneContact(archived), to: cloneContact(kept) };
  }

  /** Restores persisted contacts (no events, no validation). */
  load(contacts: StoredContact[]): void {
    for (const c of contacts) this.commit(cloneContact(c));
  }

  toJSON(): StoredContact[] {
    return this.all().map(cloneContact);
  }
}

function index(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(id);
  map.set(key, set);
}

function unindex(map: Map<string, Set<string>>, key: string, id: string): void {
  const set = map.get(key);
  set?.delete(id);
  if (set && set.size === 0) map.delete(key);
}

/**
 * An update of an ARCHIVED contact. Xero's documentation describes archiving as taking a contact out of
 * use and a merge as final (a merge cannot be undone); it does not describe editing an archived
 * contact through the API. The sandbox takes the stricter reading: the only update an archived contact
 * accepts is its restore (`{"ContactID": ..., "ContactStatus": "ACTIVE"}` and nothing else), and a contact
 * archived by a merge (it has a MergedToContactID) cannot be restored at all.
 */
function archivedErrors(target: StoredContact, raw: unknown): string[] {
  if (target.ContactStatus !== 'ARCHIVED') return [];
  const fields =
    typeof raw === 'object' && raw !== null
      ? Object.entries(raw as Record<string, unknown>)
          .filter(([, v]) => v !== undefined && v !== null)
          .map(([k]) => k)
          .filter((k) => k !== 'ContactID')
      : [];
  const restoring =
    (raw as Record<string, unknown>)['ContactStatus'] === 'ACTIVE';
  if (target.MergedToContactID && restoring)
    return [Messages.mergedCannotBeRestored];
  if (!restoring || fields.some((k) => k !== 'ContactStatus'))
    return [Messages.archivedNotEditable];
  return [];
}

const EXTRA_KEYS = [
  'IsCustomer',
  'IsSupplier',
  'Website',
  'Discount',
  'Balances',
] as const;

function splitAdminFields(fields: AdminContactFields): {
  extras: AdminContactFields;
  rest: Record<string, unknown>;
} {
  const extras: AdminContactFields = {};
  const rest: Record<string, unknown> = { ...fields };
  for (const k of EXTRA_KEYS) {
    if (k in rest) {
      extras[k] = rest[k] as never;
      delete rest[k];
    }
  }
  if (rest['ContactStatus'] === 'GDPRREQUEST') {
    extras.ContactStatus = 'GDPRREQUEST';
    delete rest['ContactStatus'];
  }
  return { extras, rest };
}

function applyExtras(c: StoredContact, extras: AdminContactFields): void {
  if (extras.IsCustomer !== undefined)
    c.IsCustomer = Boolean(extras.IsCustomer);
  if (extras.IsSupplier !== undefined)
    c.IsSupplier = Boolean(extras.IsSupplier);
  if (extras.Website !== undefined) {
    if (extras.Website === '') delete c.Website;
    else c.Website = String(extras.Website);
  }
  if (extras.Discount !== undefined) c.Discount = Number(extras.Discount);
  if (extras.Balances !== undefined) c.Balances = extras.Balances;
  if (extras.ContactStatus) c.ContactStatus = extras.ContactStatus;
}
