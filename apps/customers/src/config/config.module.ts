import { DynamicModule, Global, Module } from '@nestjs/common';
import { CustomersConfig } from './customers.config';

export const CUSTOMERS_CONFIG = Symbol('CUSTOMERS_CONFIG');

/** Makes the validated configuration injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: CustomersConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: CUSTOMERS_CONFIG, useValue: config }], exports: [CUSTOMERS_CONFIG] };
  }
}
