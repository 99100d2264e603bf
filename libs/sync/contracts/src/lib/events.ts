// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CHANGE_REASONS,
  CONNECTION_STATUSES,
  CONTACT_STATUSES,
  ChangeReason,
  ConnectionStatus,
  ContactStatus,
  IMPORT_STATUSES,
  ImportStatus,
  MATCH_BY,
  MatchBy,
  SYNC_ERROR_KINDS,
  SyncErrorKind,
} from '@pos/sync-contracts/enums';
import { EventEnvelope, defineEvent } from './event-definition';

class AddressSnapshot {
  @IsOptional() @IsString() line1?: string;
  @IsOptional() @IsString() line2?: string;
  @IsOptional() @IsString() suburb?: string;
  @IsOptional() @IsString() city?: string;
  @IsOptional() @IsString() postcode?: string;
  @IsOptional() @IsString() state?: string;
  @IsOptional() @IsString() country?: string;
}

/** The mapped customer fields as the event carries them (DESIGN §5). */
export class CustomerSnapshotDto {
  @IsString() @IsNotEmpty() id!: string;
  @IsOptional() @IsString() customerCode?: string;
  @IsOptional() @IsString() firstName?: string;
  @IsOptional() @IsString() lastName?: string;
  @IsOptional() @IsString() companyName?: string;
  @IsOptional() @IsString() email?: string;
  @IsOptional() @IsString() phone?: string;
  @IsOptional() @IsString() mobile?: string;
  @IsOptional() @IsString() fax?: string;
  @IsOptional() @ValidateNested() @Type(() => AddressSnapshot) physicalAddress?: AddressSnapshot;
  @IsOptional() @ValidateNested() @Type(() => AddressSnapshot) postalAddress?: AddressSnapshot;
  @IsOptional() @IsString() taxNumber?: string;
}

export class CustomerChangedV1 extends EventEnvelope {
  @IsString() @IsNotEmpty() customerId!: string;
  @IsInt() @Min(1) customerVersion!: number;
  @IsIn(CHANGE_REASONS) reason!: ChangeReason;
  @IsArray() @IsString({ each: true }) changedFields!: string[];
  @ValidateNested() @Type(() => CustomerSnapshotDto) snapshot!: CustomerSnapshotDto;
  @IsOptional() @IsString() xeroContactId?: string;
}
export const CustomerChanged = defineEvent('customer.changed', 1, CustomerChangedV1);

export const RELINK_REASONS = ['merged'] as const;
export type RelinkReason = (typeof RELINK_REASONS)[number];
/** The contact a customer was linked to before Xero merged it into `xeroContactId`. */
export class RelinkedFromDto {
  @IsString() @IsNotEmpty() contactId!: string;
  @IsIn(RELINK_REASONS) reason!: RelinkReason;
  /** The surviving contact's name, for the history ("merged in Xero into <name>"). */
  @IsOptional() @IsString() intoName?: string;
}
export class CustomerSyncSucceededV1 extends EventEnvelope {
  @IsString() @IsNotEmpty() customerId!: string;
  @IsInt() @Min(1) customerVersion!: number;
  @IsString() @IsNotEmpty() xeroContactId!: string;
  @IsArray() @IsString({ each: true }) pushedFields!: string[];
  /** Set when the customer was relinked (its contact was merged in Xero into this one); an optional, compatible addition. */
  @IsOptional() @ValidateNested() @Type(() => RelinkedFromDto) relinkedFrom?: RelinkedFromDto;
}
export const CustomerSyncSucceeded = defineEvent('customer.sync-succeeded', 1, CustomerSyncSucceededV1);

class SyncErrorDto {
  @IsIn(SYNC_ERROR_KINDS) kind!: SyncErrorKind;
  @IsString() message!: string;
  /** How the retailer fixes it (name_taken, archived, not_connected). */
  @IsOptional() @IsString() hint?: string;
  /** When pushes resume (rate_limited). */
  @IsOptional() @IsISO8601() retryAt?: string;
}
export class CustomerSyncFailedV1 extends EventEnvelope {
  @IsString() @IsNotEmpty() customerId!: string;
  @IsInt() @Min(1) customerVersion!: number;
  @ValidateNested() @Type(() => SyncErrorDto) error!: SyncErrorDto;
  @IsBoolean() retrying!: boolean;
}
export const CustomerSyncFailed = defineEvent('customer.sync-failed', 1, CustomerSyncFailedV1);

export class CustomerXeroDriftedV1 extends EventEnvelope {
  @IsString() @IsNotEmpty() customerId!: string;
  @IsString() @IsNotEmpty() xeroContactId!: string;
  /** `{fieldName: {pos, xero}}` */
  @IsObject() fields!: Record<string, { pos: unknown; xero: unknown }>;
}
export const CustomerXeroDrifted = defineEvent('customer.xero-drifted', 1, CustomerXeroDriftedV1);

export class XeroConnectionChangedV1 extends EventEnvelope {
  @IsIn(CONNECTION_STATUSES) status!: ConnectionStatus;
  @IsOptional() @IsString() tenantId?: string;
  @IsOptional() @IsString() organisationName?: string;
  @IsOptional() @IsString() shortCode?: string;
}
export const XeroConnectionChanged = defineEvent('xero.connection-changed', 1, XeroConnectionChangedV1);

/**
 * Import from Xero (DESIGN §3.4). customers → xero-sync: page through the organisation's contacts
 * for import `importId`; `matchBy` is the retailer's order of the match rules.
 */
export class XeroImportRequestedV1 extends EventEnvelope {
  @IsUUID() importId!: string;
  @IsBoolean() dryRun!: boolean;
  @IsArray() @ArrayNotEmpty() @IsIn(MATCH_BY, { each: true }) matchBy!: MatchBy[];
}
export const XeroImportRequested = defineEvent('xero.import-requested', 1, XeroImportRequestedV1);

/** customers → xero-sync: the retailer cancelled import `importId`; stop paging (later pages are ignored anyway). */
export class XeroImportCancelledV1 extends EventEnvelope {
  @IsUUID() importId!: string;
}
export const XeroImportCancelled = defineEvent('xero.import-cancelled', 1, XeroImportCancelledV1);

/** The mapped customer fields of a contact, read with fromXeroContact (DESIGN §5). */
export class ContactFieldsDto {
  @IsOptional() @IsString() customerCode?: string;
  @IsOptional() @IsString() firstName?: string;
  @IsOptional() @IsString() lastName?: string;
  @IsOptional() @IsString() companyName?: string;
  @IsOptional() @IsString() email?: string;
  @IsOptional() @IsString() phone?: string;
  @IsOptional() @IsString() mobile?: string;
  @IsOptional() @IsString() fax?: string;
  @IsOptional() @ValidateNested() @Type(() => AddressSnapshot) physicalAddress?: AddressSnapshot;
  @IsOptional() @ValidateNested() @Type(() => AddressSnapshot) postalAddress?: AddressSnapshot;
  @IsOptional() @IsString() taxNumber?: string;
}

/**
 * One Xero contact as an import page carries it: what matching needs, as Xero spells it (the full
 * contact: IsCustomer/IsSupplier are missing from summary replies), and its mapped fields.
 */
export class ImportedContactDto {
  /** Xero's ContactID. */
  @IsString() @IsNotEmpty() xeroContactId!: string;
  @IsIn(CONTACT_STATUSES) contactStatus!: ContactStatus;
  @IsBoolean() isCustomer!: boolean;
  @IsBoolean() isSupplier!: boolean;
  @IsOptional() @IsString() contactNumber?: string;
  @IsOptional() @IsString() accountNumber?: string;
  @IsOptional() @IsString() name?: string;
  @IsOptional() @IsString() emailAddress?: string;
  @ValidateNested() @Type(() => ContactFieldsDto) fields!: ContactFieldsDto;
}

/** xero-sync → customers: page `page` (from 1) of `pageCount` pages of the import's contacts. */
export class XeroContactsPageV1 extends EventEnvelope {
  @IsUUID() importId!: string;
  @IsInt() @Min(1) page!: number;
  /** Pages in the organisation as Xero reported them with this page (pagination.pageCount). */
  @IsInt() @Min(0) pageCount!: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => ImportedContactDto) contacts!: ImportedContactDto[];
}
export const XeroContactsPage = defineEvent('xero.contacts-page', 1, XeroContactsPageV1);

/** xero-sync → customers: every page of the import was published (`pages` of them), or paging failed. */
export class XeroImportFinishedV1 extends EventEnvelope {
  @IsUUID() importId!: string;
  @IsIn(IMPORT_STATUSES) status!: ImportStatus;
  @IsInt() @Min(0) pages!: number;
  @IsOptional() @IsString() error?: string;
}
export const XeroImportFinished = defineEvent('xero.import-finished', 1, XeroImportFinishedV1);

/** Every event definition, for topology and documentation. */
export const ALL_EVENTS = [
  CustomerChanged,
  CustomerSyncSucceeded,
  CustomerSyncFailed,
  CustomerXeroDrifted,
  XeroConnectionChanged,
  XeroImportRequested,
  XeroContactsPage,
  XeroImportFinished,
  XeroImportCancelled,
] as const;
