import { Logger } from '@nestjs/common';
import { createCustomersApp } from './app/create-app';
import { CustomersConfig, loadCustomersConfig } from './config/customers.config';

async function bootstrap() {
  let config: CustomersConfig;
  try {
    config = loadCustomersConfig(process.env);
  } catch (err) {
    console.error(`customers: ${(err as Error).message}`);
    process.exit(1);
  }
  const app = await createCustomersApp(config);
  await app.listen(config.CUSTOMERS_PORT, process.env['CUSTOMERS_HOST'] ?? '0.0.0.0');
  Logger.log(`customers listening on ${await app.getUrl()} (API under /api, docs at /docs)`, 'Bootstrap');
}

void bootstrap();
