import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ADDRESS_MAX_LENGTH, FIELD_MAX_LENGTH } from '@pos/customers-domain';
import {
  CONNECTION_STATUSES,
  ConnectionStatus,
  PUSH_OUTCOMES,
  PushOutcome,
  SYNC_ERROR_KINDS,
  SyncErrorKind,
  XERO_STATUSES,
  XeroStatus,
} from '@pos/sync-contracts';
import { Transform, Type } from 'class-transformer';
import { HasAtMostDecimals, IsEmailAddress, IsPlainText } from '../../common/plain-text';
import {
  IsIn,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageNumber, PageSize } from '../../common/paging';

const L = FIELD_MAX_LENGTH;
const A = ADDRESS_MAX_LENGTH;


/** A text field: optional, a string, plain text, at most `max` characters; `null` clears it in a PATCH. */
function Text(max: number, description?: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: String, maxLength: max, nullable: true, description }),
    IsOptional(),
    IsString(),
    MaxLength(max),
    IsPlainText(),
  );
}

/** An address; a part set to `null` clears that part in a PATCH, an absent part is left alone. */
export class AddressDto {
  @Text(A.line1) line1?: string;
  @Text(A.line2) line2?: string;
  @Text(A.suburb, "Xero's AddressLine3") suburb?: string;
  @Text(A.city) city?: string;
  @Text(A.postcode) postcode?: string;
  @Text(A.state, "Xero's Region") state?: string;
  @Text(A.country) country?: string;
}

function Address(description: string) {
  return applyDecorators(
    ApiPropertyOptional({ type: AddressDto, nullable: true, description }),
    IsOptional(),
    IsObject({ message: '$property must be an object' }),
    ValidateNested(),
    Type(() => AddressDto),
  );
}

/**
 * The customer fields a request may carry. Every field is optional here; the domain checks that a
 * customer has a name (companyName, or firstName / lastName). In a PATCH, `null` (or "") clears a
 * field and an absent field is left alone. Lengths are Xero's limits, so a customer the POS
 * accepts is never refused by Xero for length.
 */
export class CustomerDto {
  @Text(L.customerCode, "unique per retailer (case-insensitive); Xero's AccountNumber") customerCode?: string;
  @Text(L.firstName) firstName?: string;
  @Text(L.lastName) lastName?: string;
  @Text(L.companyName, "Xero's Name when set; else \"firstName lastName\"") companyName?: string;

  @ApiPropertyOptional({ type: String, maxLength: L.email, nullable: true, format: 'email' })
  @IsOptional()
  @IsString()
  @MaxLength(L.email)
  @Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? null : value))
  @IsEmailAddress()
  email?: string;

  @Text(L.phone) phone?: string;
  @Text(L.mobile) mobile?: string;
  @Text(L.fax) fax?: string;
  @Address("Xero's STREET address") physicalAddress?: AddressDto;
  @Address("Xero's POBOX address") postalAddress?: AddressDto;
  @Text(L.taxNumber) taxNumber?: string;
  @Text(L.note, 'kept in the POS only; changing it alone publishes nothing') note?: string;
}

export class SearchCustomersQuery {
  @ApiPropertyOptional({ description: 'prefix of a name, email, customer code or phone number; case-insensitive', maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsPlainText()
  q?: string;

  @ApiPropertyOptional({ enum: XERO_STATUSES }) @IsOptional() @IsIn(XERO_STATUSES) xeroStatus?: XeroStatus;

  @PageNumber() page = 1;

  @PageSize(50, 200) pageSize = 50;
}

export class OnAccountSaleDto {
  @ApiProperty({ description: 'sale amount, greater than 0, at most 4 decimal places', example: 25.5 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @HasAtMostDecimals(4)
  @Min(0.0001)
  @Max(1e12)
  amount!: number;

  @ApiProperty({ maxLength: 255, example: 'INV-1042' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  @IsPlainText()
  reference!: string;
}

// ---- responses (documentation only: the mappers build them from explicit field lists) ----

export class CustomerResponse extends CustomerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'bumped by every change; send it back in If-Match' }) version!: number;
  @ApiProperty({ enum: XERO_STATUSES }) xeroStatus!: XeroStatus;
  @ApiPropertyOptional() xeroContactId?: string;
  @ApiPropertyOptional({ type: [String], description: 'fields edited in Xero that the next push will overwrite' }) xeroDrifted?: string[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class CustomerPage {
  @ApiProperty({ type: [CustomerResponse] }) items!: CustomerResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}

export class OnAccountSaleResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() reference!: string;
  @ApiProperty() at!: Date;
}

class SyncErrorResponse {
  @ApiProperty({ enum: SYNC_ERROR_KINDS }) kind!: SyncErrorKind;
  @ApiProperty({ description: "Xero's reason" }) message!: string;
  @ApiPropertyOptional({ description: 'how to fix it (name_taken, archived, not_connected)' }) hint?: string;
  @ApiPropertyOptional({ description: 'when pushes resume (rate_limited)' }) retryAt?: string;
  @ApiProperty() version!: number;
  @ApiProperty() at!: string;
}

class PushAttemptResponse {
  @ApiProperty() at!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: [String] }) fields!: string[];
  @ApiProperty({ enum: PUSH_OUTCOMES }) outcome!: PushOutcome;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'what else happened, e.g. "merged in Xero into <name>"' }) note?: string;
}

class ConnectionSummary {
  @ApiProperty({ enum: CONNECTION_STATUSES }) status!: ConnectionStatus;
  @ApiProperty({ nullable: true, type: String }) organisationName!: string | null;
}

export class XeroStatusResponse {
  @ApiProperty() customerId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: XERO_STATUSES, description: 'pending is the red Xero icon, synced the blue one' }) status!: XeroStatus;
  @ApiProperty({ nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'View on Xero' }) viewUrl!: string | null;
  @ApiProperty({ type: [String], description: 'fields waiting to be pushed' }) pendingFields!: string[];
  @ApiProperty({ nullable: true, type: SyncErrorResponse }) lastError!: SyncErrorResponse | null;
  @ApiProperty({ nullable: true, type: Object, description: 'fields edited in Xero: {field: {pos, xero, seenAt}}' }) drift!: object | null;
  @ApiProperty({ nullable: true, type: String, description: 'what happens to the drift: the next POS edit or on-account sale overwrites it' }) driftMessage!: string | null;
  @ApiProperty({ type: ConnectionSummary }) connection!: ConnectionSummary;
  @ApiProperty({ type: [PushAttemptResponse], description: 'the last 20 push attempts, newest first' }) history!: PushAttemptResponse[];
}

export class ErrorResponse {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'e.g. [{field, problems}] for validation errors' }) details?: unknown;
}
