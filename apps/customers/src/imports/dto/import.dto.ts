import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IMPORT_JOB_STATUSES, MATCH_BY, MatchBy } from '@pos/sync-contracts';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional } from 'class-validator';
import { PageNumber, PageSize } from '../../common/paging';

export class StartImportDto {
  @ApiPropertyOptional({ default: false, description: 'store the same report and change nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;

  @ApiPropertyOptional({
    enum: MATCH_BY,
    isArray: true,
    default: MATCH_BY,
    description: 'the rules that find a contact among the POS customers, in order: the first that finds any customer decides',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MATCH_BY.length)
  @ArrayUnique()
  @IsIn(MATCH_BY, { each: true })
  matchBy?: MatchBy[];
}

export class ListImportsQuery {
  @PageNumber() page = 1;

  @PageSize(20, 100) pageSize = 20;
}

class ImportPagesResponse {
  @ApiProperty() done!: number;
  @ApiProperty({ nullable: true, type: Number, description: "the organisation's page count, once xero-sync reported it" }) total!: number | null;
  @ApiProperty({ type: [Number], description: 'pages that arrived after the import was cancelled and were ignored' }) ignored!: number[];
}

class SkippedResponse {
  @ApiProperty() supplierOnly!: number;
  @ApiProperty() archived!: number;
  @ApiProperty() alreadyLinked!: number;
}

class ContactCountsResponse {
  @ApiProperty() seen!: number;
  @ApiProperty({ description: 'new customers created and linked (a dry run: that would be)' }) created!: number;
  @ApiProperty({ description: 'existing customers linked (a dry run: that would be)' }) linked!: number;
  @ApiProperty({ type: SkippedResponse }) skipped!: SkippedResponse;
  @ApiProperty({ description: 'left alone: matching several customers, or a customer other contacts also match or that is linked elsewhere' })
  ambiguous!: number;
  @ApiProperty({ description: 'contacts whose fields the POS refused' }) refused!: number;
}

class ProblemCustomerResponse {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional() customerCode?: string;
  @ApiPropertyOptional() xeroContactId?: string;
}

class ImportProblemResponse {
  @ApiProperty({ enum: ['ambiguous', 'refused'] }) kind!: string;
  @ApiProperty({ description: 'several_customers, customer_linked_elsewhere, contacts_share_customer, or the refusal code' }) reason!: string;
  @ApiProperty() message!: string;
  @ApiProperty() page!: number;
  @ApiPropertyOptional({ enum: MATCH_BY }) rule?: string;
  @ApiProperty({ type: Object, description: 'the Xero contact as the import read it' }) contact!: object;
  @ApiProperty({ type: [ProblemCustomerResponse], description: 'the POS customer(s) it matched' }) customers!: ProblemCustomerResponse[];
  @ApiPropertyOptional({ description: 'the other contacts of this import that matched the same customer' }) otherContacts?: unknown[];
}

export class ImportResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: IMPORT_JOB_STATUSES }) status!: string;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ enum: MATCH_BY, isArray: true }) matchBy!: string[];
  @ApiProperty({ type: ImportPagesResponse }) pages!: ImportPagesResponse;
  @ApiProperty({ type: ContactCountsResponse }) contacts!: ContactCountsResponse;
  @ApiProperty({ description: 'what the status means and what happens next' }) summary!: string;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiPropertyOptional({ type: [ImportProblemResponse], description: `per-contact problems (GET of one import; at most 500)` })
  problems?: ImportProblemResponse[];
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) startedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) endedAt!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) cancelledAt!: Date | null;
}

export class ImportPage {
  @ApiProperty({ type: [ImportResponse] }) items!: ImportResponse[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
  @ApiProperty() total!: number;
}
