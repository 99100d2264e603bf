import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPreconditionFailedResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { CUSTOMER_FIELDS, CustomerPatch } from '@pos/customers-domain';
import type { Response } from 'express';
import { CurrentRetailer } from '../auth/auth.guards';
import { RetailerDoc } from '../retailers/retailer.schema';
import { toCustomerResponse, toXeroStatusResponse } from './customer.mapper';
import { CustomersService } from './customers.service';
import {
  CustomerDto,
  CustomerPage,
  CustomerResponse,
  ErrorResponse,
  OnAccountSaleDto,
  OnAccountSaleResponse,
  SearchCustomersQuery,
  XeroStatusResponse,
} from './dto/customer.dto';

const etag = (version: number) => `"${version}"`;

/** `If-Match: "4"` (or W/"4", or 4) → 4; `*` or absent → undefined. */
function parseIfMatch(h?: string): number | undefined {
  if (!h || h.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(h);
  if (!m) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: 'If-Match must be an ETag from GET, e.g. "3"',
      details: [{ field: 'If-Match', problems: ['must be an ETag such as "3"'] }],
    });
  }
  return Number(m[1]);
}

/** The request's fields as a patch: only what the body carried (`null` clears, absent leaves alone). */
function toPatch(dto: CustomerDto): CustomerPatch {
  const patch: Record<string, unknown> = {};
  for (const f of CUSTOMER_FIELDS) {
    const v = (dto as Record<string, unknown>)[f];
    if (v === undefined) continue;
    patch[f] = v !== null && typeof v === 'object' ? { ...v } : v;
  }
  return patch as CustomerPatch;
}

/** An id that is not a customer id names no customer: 404, like another retailer's customer. */
const customerId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('no such customer') });

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'the ETag from GET (e.g. "3"); a stale version answers 412 and changes nothing',
};

@ApiTags('customers')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'missing or unknown API key', type: ErrorResponse })
@ApiBadRequestResponse({ description: 'invalid input; details name the fields', type: ErrorResponse })
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a customer (publishes customer.changed with reason created)' })
  @ApiCreatedResponse({ type: CustomerResponse, description: 'the customer; ETag holds its version' })
  @ApiConflictResponse({ description: 'the customer code is taken', type: ErrorResponse })
  async create(@CurrentRetailer() r: RetailerDoc, @Body() dto: CustomerDto, @Res({ passthrough: true }) res: Response) {
    const doc = await this.customers.create(r._id, toPatch(dto));
    res.setHeader('ETag', etag(doc.version)).setHeader('Location', `/api/customers/${doc._id}`);
    return toCustomerResponse(doc);
  }

  @Get()
  @ApiOperation({ summary: 'Search customers by prefix of name, email, code or phone; filter by Xero status; page' })
  @ApiOkResponse({ type: CustomerPage })
  async search(@CurrentRetailer() r: RetailerDoc, @Query() q: SearchCustomersQuery) {
    const { items, total } = await this.customers.search(r._id, q);
    return { items: items.map(toCustomerResponse), page: q.page, pageSize: q.pageSize, total };
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerResponse, description: 'ETag holds the version' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async get(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string, @Res({ passthrough: true }) res: Response) {
    const doc = await this.customers.get(r._id, id);
    res.setHeader('ETag', etag(doc.version));
    return toCustomerResponse(doc);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change some fields; a change to a field Xero holds asks for a push of those fields' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: CustomerResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'the customer code is taken', type: ErrorResponse })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version', type: ErrorResponse })
  async update(
    @CurrentRetailer() r: RetailerDoc,
    @Param('id', customerId) id: string,
    @Body() dto: CustomerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const doc = await this.customers.update(r._id, id, toPatch(dto), parseIfMatch(ifMatch));
    res.setHeader('ETag', etag(doc.version));
    return toCustomerResponse(doc);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse({ description: 'deleted; its customer code is free again' })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiPreconditionFailedResponse({ description: 'If-Match names an older version', type: ErrorResponse })
  async remove(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string, @Headers('if-match') ifMatch: string | undefined) {
    await this.customers.remove(r._id, id, parseIfMatch(ifMatch));
  }

  @Post(':id/on-account-sales')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a sale on account; asks for a full push (creates the Xero contact when unlinked)' })
  @ApiCreatedResponse({ type: OnAccountSaleResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async sale(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string, @Body() dto: OnAccountSaleDto) {
    const sale = await this.customers.recordOnAccountSale(r._id, id, dto.amount, dto.reference);
    return { id: sale.id, customerId: id, amount: sale.amount, reference: sale.reference, at: sale.at };
  }

  @Post(':id/xero/push')
  @HttpCode(202)
  @ApiOperation({ summary: 'Push now ("click the red icon"): asks for a full push of a pending, failed or unlinked customer' })
  @ApiAcceptedResponse({ type: XeroStatusResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'Xero already has the latest version', type: ErrorResponse })
  async push(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    const doc = await this.customers.requestPush(r._id, id);
    return toXeroStatusResponse(doc, r);
  }

  @Post(':id/xero/unlink')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Unlink from the Xero contact (e.g. one archived in Xero): the link is cleared and a full push asked for, which creates a new contact',
  })
  @ApiAcceptedResponse({ type: XeroStatusResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  @ApiConflictResponse({ description: 'The customer is not linked to a Xero contact', type: ErrorResponse })
  async unlink(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    const doc = await this.customers.unlink(r._id, id);
    return toXeroStatusResponse(doc, r);
  }

  @Get(':id/xero')
  @ApiOperation({ summary: 'The Xero icon: status, contact, View-on-Xero link, pending fields, last error, push history' })
  @ApiOkResponse({ type: XeroStatusResponse })
  @ApiNotFoundResponse({ type: ErrorResponse })
  async xero(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    return toXeroStatusResponse(await this.customers.get(r._id, id), r);
  }
}
