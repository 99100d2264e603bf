// class-transformer's @Type reads design-time metadata.
import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import { MATCH_RULES, MatchRule } from '@pos/customers-domain';
import { EventEnvelope, defineEvent } from './event-definition';

export const CHANGE_REASONS = ['created', 'updated', 'on_account_sale', 'manual_push', 'imported', 'linked'] as const;
export type ChangeReason = (typeof CHANGE_REASONS)[number];

/** A change that asks for every mapped field to be pushed (creating the contact when unlinked). */
export const FULL_PUSH_REASONS: readonly ChangeReason[] = ['on_account_sale', 'manual_push'];

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

export class CustomerSyncSucceededV1 extends EventEnvelope {
  @IsString() @IsNotEmpty() customerId!: string;
  @IsInt() @Min(1) customerVersion!: number;
  @IsString() @IsNotEmpty() xeroContactId!: string;
  @IsArray() @IsString({ each: true }) pushedFields!: string[];
}
export const CustomerSyncSucceeded = defineEvent('customer.sync-succeeded', 1, CustomerSyncSucceededV1);

export const SYNC_ERROR_KINDS = ['validation', 'auth', 'not_connected', 'rate_limited', 'unavailable'] as const;
class SyncErrorDto {
  @IsIn(SYNC_ERROR_KINDS) kind!: (typeof SYNC_ERROR_KINDS)[number];
  @IsString() message!: string;
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

export const CONNECTION_STATUSES = ['connected', 'disconnected', 'expired'] as const;
export class XeroConnectionChangedV1 extends EventEnvelope {
  @IsIn(CONNECTION_STATUSES) status!: (typeof CONNECTION_STATUSES)[number];
  @IsOptional() @IsString() tenantId?: string;
  @IsOptional() @IsString() organisationName?: string;
  @IsOptional() @IsString() shortCode?: string;
}
export const XeroConnectionChanged = defineEvent('xero.connection-changed', 1, XeroConnectionChangedV1);

/**
 * Import from Xero (DESIGN §3.4). The rules that decide whether a contact is already in the POS,
 * in the order the retailer asks for them (the first rule that finds any POS customer decides).
 */
export const MATCH_BY: readonly MatchRule[] = MATCH_RULES;
export type MatchBy = MatchRule;
export const DEFAULT_MATCH_BY: readonly MatchBy[] = MATCH_RULES;

/** customers → xero-sync: page through the organisation's contacts for import `importId`. */
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

export const CONTACT_STATUSES = ['ACTIVE', 'ARCHIVED', 'GDPRREQUEST'] as const;

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
  @IsIn(CONTACT_STATUSES) contactStatus!: (typeof CONTACT_STATUSES)[number];
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
  @IsIn(['completed', 'failed']) status!: 'completed' | 'failed';
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
