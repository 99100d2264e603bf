import { Clock } from '../core/clock';
import { newId } from '../core/ids';
import {
  Balances,
  ContactStatus,
  StoredContact,
  cloneContact,
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

  /** GET /Contacts/{ContactNumber}: the first contact (oldest) carrying that number. */
  findByNumber(contactNumber: string): StoredContact | undefined {
    for (const c of this.byId.values())
      if (c.ContactNumber === contactNumber) return c;
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
    if (errors.length > 0) return this.refuse(parsed, errors, target);

    const now = this.clock.now();
    const next = applyPatch(target ?? blankContact(newId(), now), parsed.patch);
    const nameErrors = this.nameErrors(next, parsed.patch.strings.Name);
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

  private commit(next: StoredContact): void {
    const previous = this.byId.get(next.ContactID);
    if (previous && previous.ContactStatus === 'ACTIVE') {
      const set = this.activeNames.get(nameKey(previous.Name));
      set?.delete(previous.ContactID);
      if (set && set.size === 0)
        this.activeNames.delete(nameKey(previous.Name));
    }
    this.byId.set(next.ContactID, next);
    if (next.ContactStatus === 'ACTIVE') {
      const key = nameKey(next.Name);
      const set = this.activeNames.get(key) ?? new Set<string>();
      set.add(next.ContactID);
      this.activeNames.set(key, set);
    }
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
    const nameErrors = this.nameErrors(next, next.Name);
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
