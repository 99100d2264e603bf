import { BadRequestException, Body, Controller, Delete, Get, Headers, HttpCode, NotFoundException, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CustomerPatch } from '@pos/customers-domain';
import type { Response } from 'express';
import { CurrentRetailer } from '../auth/auth.guards';
import { RetailerDoc } from '../retailers/retailer.schema';
import { toCustomerResponse, toXeroStatusResponse } from './customer.mapper';
import { CustomersService } from './customers.service';
import { CustomerDto, OnAccountSaleDto, SearchCustomersQuery } from './dto/customer.dto';

const etag = (version: number) => `"${version}"`;

/** `If-Match: "4"` (or W/"4", or 4) → 4; `*` or absent → undefined. */
function parseIfMatch(h?: string): number | undefined {
  if (!h || h.trim() === '*') return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(h);
  if (!m) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'If-Match must be an ETag from GET, e.g. "3"', details: [{ field: 'If-Match' }] });
  return Number(m[1]);
}

/** An id that is not a customer id names no customer: 404, like another retailer's customer. */
const customerId = new ParseUUIDPipe({ exceptionFactory: () => new NotFoundException('no such customer') });

@ApiTags('customers')
@ApiBearerAuth()
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  async create(@CurrentRetailer() r: RetailerDoc, @Body() dto: CustomerDto, @Res({ passthrough: true }) res: Response) {
    const doc = await this.customers.create(r._id, dto);
    res.setHeader('ETag', etag(doc.version)).setHeader('Location', `/api/customers/${doc._id}`);
    return toCustomerResponse(doc);
  }

  @Get()
  async search(@CurrentRetailer() r: RetailerDoc, @Query() q: SearchCustomersQuery) {
    const { items, total } = await this.customers.search(r._id, q);
    return { items: items.map(toCustomerResponse), page: q.page, pageSize: q.pageSize, total };
  }

  @Get(':id')
  async get(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string, @Res({ passthrough: true }) res: Response) {
    const doc = await this.customers.get(r._id, id);
    res.setHeader('ETag', etag(doc.version));
    return toCustomerResponse(doc);
  }

  @Patch(':id')
  async update(
    @CurrentRetailer() r: RetailerDoc,
    @Param('id', customerId) id: string,
    @Body() dto: CustomerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const doc = await this.customers.update(r._id, id, dto as CustomerPatch, parseIfMatch(ifMatch));
    res.setHeader('ETag', etag(doc.version));
    return toCustomerResponse(doc);
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    await this.customers.remove(r._id, id);
  }

  @Post(':id/on-account-sales')
  @HttpCode(201)
  async sale(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string, @Body() dto: OnAccountSaleDto) {
    const sale = await this.customers.recordOnAccountSale(r._id, id, dto.amount, dto.reference);
    return { ...sale, customerId: id };
  }

  @Post(':id/xero/push')
  @HttpCode(202)
  async push(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    const doc = await this.customers.requestPush(r._id, id);
    return toXeroStatusResponse(doc, r);
  }

  @Get(':id/xero')
  async xero(@CurrentRetailer() r: RetailerDoc, @Param('id', customerId) id: string) {
    return toXeroStatusResponse(await this.customers.get(r._id, id), r);
  }
}
