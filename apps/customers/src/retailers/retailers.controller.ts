import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsPlainText } from '../common/plain-text';
import { Public } from '@pos/service-kit';
import { AdminGuard } from '../auth/auth.guards';
import { RetailersService } from './retailers.service';

export class CreateRetailerDto {
  @ApiProperty({ maxLength: 200, example: 'Corner Store' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @IsPlainText()
  name!: string;
}

export class RetailerCreatedResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'the API key: shown this once, only its hash is kept' }) apiKey!: string;
}

@ApiTags('retailers')
@ApiBearerAuth()
@Controller('retailers')
export class RetailersController {
  constructor(private readonly retailers: RetailersService) {}

  /** Admin only: the response holds the API key, shown this once. */
  @Post()
  @Public()
  @UseGuards(AdminGuard)
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a retailer and its API key (Authorization: Bearer <ADMIN_TOKEN>)' })
  @ApiCreatedResponse({ type: RetailerCreatedResponse })
  @ApiUnauthorizedResponse({ description: 'missing or wrong admin token' })
  create(@Body() dto: CreateRetailerDto): Promise<RetailerCreatedResponse> {
    return this.retailers.create(dto.name.trim());
  }
}
