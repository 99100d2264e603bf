import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CurrentRetailer } from '../auth/auth.guards';
import { ErrorResponse } from '../customers/dto/customer.dto';
import { RetailerDoc } from '../retailers/retailer.schema';
import { ImportPage, ImportResponse, ListImportsQuery, StartImportDto } from './dto/import.dto';
import { toImportResponse } from './import.mapper';
import { ImportsService } from './imports.service';

/** An id that is not an import id names no import: 404, like another retailer's import. */
const importId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('no such import') });

@ApiTags('imports')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing or unknown API key', type: ErrorResponse })
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('xero')
  @HttpCode(202)
  @ApiOperation({ summary: 'Import from Xero: customer and general contacts, linked to the POS customers they match instead of duplicated' })
  @ApiAcceptedResponse({ type: ImportResponse })
  @ApiBadRequestResponse({ description: 'invalid dryRun or matchBy; details name the field', type: ErrorResponse })
  @ApiConflictResponse({ description: 'an import is still running (details.importId), or Xero is not connected', type: ErrorResponse })
  async start(@CurrentRetailer() r: RetailerDoc, @Body() dto: StartImportDto) {
    return toImportResponse(await this.imports.start(r, dto));
  }

  @Get()
  @ApiOperation({ summary: "The retailer's imports, newest first" })
  @ApiOkResponse({ type: ImportPage })
  async list(@CurrentRetailer() r: RetailerDoc, @Query() q: ListImportsQuery) {
    const { items, total } = await this.imports.list(r._id, q.page, q.pageSize);
    return { items: items.map((j) => toImportResponse(j)), page: q.page, pageSize: q.pageSize, total };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Progress and report: pages, counts, and each contact left alone with both sides shown' })
  @ApiOkResponse({ type: ImportResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@CurrentRetailer() r: RetailerDoc, @Param('id', importId) id: string) {
    const { job, problems } = await this.imports.get(r._id, id);
    return toImportResponse(job, problems);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancel: pages arriving later are ignored; what was applied stays' })
  @ApiOkResponse({ type: ImportResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'the import has already completed or failed', type: ErrorResponse })
  async cancel(@CurrentRetailer() r: RetailerDoc, @Param('id', importId) id: string) {
    return toImportResponse(await this.imports.cancel(r._id, id));
  }
}
