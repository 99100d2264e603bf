import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

const MAX_PAGE = 10_000;

/** A page number in a query string: a whole number from 1, read from its text. */
export function PageNumber(): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: 1, minimum: 1, maximum: MAX_PAGE }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(MAX_PAGE));
}

/** A page size in a query string: a whole number from 1 to `max` (`byDefault` when absent, set on the field). */
export function PageSize(byDefault: number, max: number): PropertyDecorator {
  return applyDecorators(ApiPropertyOptional({ default: byDefault, minimum: 1, maximum: max }), IsOptional(), Type(() => Number), IsInt(), Min(1), Max(max));
}
