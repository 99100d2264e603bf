import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { PUBLIC_ROUTE } from '@pos/service-kit';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { CUSTOMERS_CONFIG } from '../config/config.module';
import { CustomersConfig } from '../config/customers.config';
import { RetailerDoc } from '../retailers/retailer.schema';
import { RetailersService } from '../retailers/retailers.service';

type AuthedRequest = Request & { retailer?: RetailerDoc };

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
  return m?.[1];
}

/**
 * Compares two secrets in constant time. Both are hashed first, so the compared buffers always have
 * the same length (timingSafeEqual throws otherwise: a non-ASCII token of the right character count
 * has another byte length) and the time taken says nothing about the expected secret's length.
 */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Every route needs `Authorization: Bearer <retailer API key>` unless marked @Public. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly retailers: RetailersService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [ctx.getHandler(), ctx.getClass()])) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const key = bearer(req);
    if (!key) throw new UnauthorizedException('missing API key: send Authorization: Bearer <key>');
    const retailer = await this.retailers.findByApiKey(key);
    if (!retailer) throw new UnauthorizedException('unknown API key');
    req.retailer = retailer;
    return true;
  }
}

@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(CUSTOMERS_CONFIG) private readonly config: CustomersConfig) {}

  canActivate(ctx: ExecutionContext): boolean {
    const expected = this.config.ADMIN_TOKEN;
    const given = bearer(ctx.switchToHttp().getRequest<Request>());
    if (!expected) throw new UnauthorizedException('ADMIN_TOKEN is not configured on this server');
    if (!given || !sameSecret(given, expected)) {
      throw new UnauthorizedException('wrong admin token');
    }
    return true;
  }
}

/** The retailer the API key belongs to. */
export const CurrentRetailer = createParamDecorator((_: unknown, ctx: ExecutionContext): RetailerDoc => {
  const retailer = ctx.switchToHttp().getRequest<AuthedRequest>().retailer;
  if (!retailer) throw new UnauthorizedException();
  return retailer;
});
