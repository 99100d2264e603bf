import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { errorBody } from './error-body';

/** Flattens class-validator errors into `[{field, problems}]` with dotted paths. */
export function validationDetails(errors: ValidationError[], prefix = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...validationDetails(e.children ?? [], field)];
  });
}

/** Bad input: 400 whose message and details name every field and what is wrong with it. */
export function validationException(errors: ValidationError[]): BadRequestException {
  const details = validationDetails(errors);
  const message = details.map((d) => d.problems.join('; ')).join('; ') || 'invalid request';
  return new BadRequestException(errorBody(400, message, details));
}

/**
 * The request validation of both services: DTO classes (class-validator) checked and converted;
 * a field the DTO does not declare is refused, not silently dropped.
 */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    exceptionFactory: validationException,
  });
}
