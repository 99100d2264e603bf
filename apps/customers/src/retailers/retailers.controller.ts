import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Public } from '@pos/service-kit';
import { AdminGuard } from '../auth/auth.guards';
import { RetailersService } from './retailers.service';

export class CreateRetailerDto {
  @IsString() @IsNotEmpty() @MaxLength(200) name!: string;
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
  create(@Body() dto: CreateRetailerDto) {
    return this.retailers.create(dto.name.trim());
  }
}
