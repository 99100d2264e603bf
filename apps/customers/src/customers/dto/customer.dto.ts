import { ApiPropertyOptional } from '@nestjs/swagger';
import { ADDRESS_MAX_LENGTH, FIELD_MAX_LENGTH, XERO_STATUSES, XeroStatus } from '@pos/customers-domain';
import { Transform, Type } from 'class-transformer';
import { IsEmail, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min, ValidateNested, IsNotEmpty } from 'class-validator';

const L = FIELD_MAX_LENGTH;
const A = ADDRESS_MAX_LENGTH;

/** An address; `null` for a part clears it (in a PATCH). */
export class AddressDto {
  @ApiPropertyOptional({ maxLength: A.line1 }) @IsOptional() @IsString() @MaxLength(A.line1) line1?: string;
  @ApiPropertyOptional({ maxLength: A.line2 }) @IsOptional() @IsString() @MaxLength(A.line2) line2?: string;
  @ApiPropertyOptional({ maxLength: A.suburb }) @IsOptional() @IsString() @MaxLength(A.suburb) suburb?: string;
  @ApiPropertyOptional({ maxLength: A.city }) @IsOptional() @IsString() @MaxLength(A.city) city?: string;
  @ApiPropertyOptional({ maxLength: A.postcode }) @IsOptional() @IsString() @MaxLength(A.postcode) postcode?: string;
  @ApiPropertyOptional({ maxLength: A.state }) @IsOptional() @IsString() @MaxLength(A.state) state?: string;
  @ApiPropertyOptional({ maxLength: A.country }) @IsOptional() @IsString() @MaxLength(A.country) country?: string;
}

/**
 * The customer fields a request may carry. Every field is optional here; the domain checks that a
 * customer has a name. In a PATCH, `null` clears a field and an absent field is left alone.
 * Lengths are Xero's limits, so a customer the POS accepts is never refused by Xero for length.
 */
export class CustomerDto {
  @ApiPropertyOptional({ maxLength: L.customerCode }) @IsOptional() @IsString() @MaxLength(L.customerCode) customerCode?: string;
  @ApiPropertyOptional({ maxLength: L.firstName }) @IsOptional() @IsString() @MaxLength(L.firstName) firstName?: string;
  @ApiPropertyOptional({ maxLength: L.lastName }) @IsOptional() @IsString() @MaxLength(L.lastName) lastName?: string;
  @ApiPropertyOptional({ maxLength: L.companyName }) @IsOptional() @IsString() @MaxLength(L.companyName) companyName?: string;
  @ApiPropertyOptional({ maxLength: L.email })
  @IsOptional()
  @IsString()
  @MaxLength(L.email)
  @Transform(({ value }) => (typeof value === 'string' && value.trim() === '' ? null : value))
  @IsEmail({}, { message: 'email must be an email address' })
  email?: string;
  @ApiPropertyOptional({ maxLength: L.phone }) @IsOptional() @IsString() @MaxLength(L.phone) phone?: string;
  @ApiPropertyOptional({ maxLength: L.mobile }) @IsOptional() @IsString() @MaxLength(L.mobile) mobile?: string;
  @ApiPropertyOptional({ maxLength: L.fax }) @IsOptional() @IsString() @MaxLength(L.fax) fax?: string;
  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @ValidateNested() @Type(() => AddressDto) physicalAddress?: AddressDto;
  @ApiPropertyOptional({ type: AddressDto }) @IsOptional() @ValidateNested() @Type(() => AddressDto) postalAddress?: AddressDto;
  @ApiPropertyOptional({ maxLength: L.taxNumber }) @IsOptional() @IsString() @MaxLength(L.taxNumber) taxNumber?: string;
  @ApiPropertyOptional({ maxLength: L.note }) @IsOptional() @IsString() @MaxLength(L.note) note?: string;
}

export class SearchCustomersQuery {
  @ApiPropertyOptional({ description: 'prefix of name, email, customer code or phone; case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  q?: string;

  @ApiPropertyOptional({ enum: XERO_STATUSES }) @IsOptional() @IsIn(XERO_STATUSES) xeroStatus?: XeroStatus;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page = 1;

  @ApiPropertyOptional({ default: 50, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize = 50;
}

export class OnAccountSaleDto {
  @ApiPropertyOptional({ description: 'sale amount, greater than 0' })
  @IsNumber({ maxDecimalPlaces: 4, allowNaN: false, allowInfinity: false })
  @Min(0.0001)
  @Max(1e12)
  amount!: number;

  @ApiPropertyOptional({ maxLength: 255 }) @IsString() @IsNotEmpty() @MaxLength(255) reference!: string;
}
