import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

function describe(errors: ValidationError[]): string[] {
  return errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
}

/**
 * Reads a service's configuration from the environment and checks it; the error names every bad
 * variable and never echoes a value (they may be secrets). Empty variables count as unset.
 */
export function loadConfig<T extends object>(cls: ClassConstructor<T>, env: Record<string, string | undefined>): T {
  const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const config = plainToInstance(cls, defined, { exposeDefaultValues: true });
  const errors = validateSync(config);
  if (errors.length) throw new Error(`Invalid configuration:\n${describe(errors).join('\n')}`);
  return config;
}
