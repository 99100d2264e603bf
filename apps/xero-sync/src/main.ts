import { Logger } from '@nestjs/common';
import { createXeroSyncApp } from './app/create-app';
import { XeroSyncConfig, loadXeroSyncConfig } from './config/xero-sync.config';

async function bootstrap() {
  let config: XeroSyncConfig;
  try {
    config = loadXeroSyncConfig(process.env);
  } catch (err) {
    console.error(`xero-sync: ${(err as Error).message}`);
    process.exit(1);
  }
  const app = await createXeroSyncApp(config);
  await app.listen(config.XERO_SYNC_PORT, process.env['XERO_SYNC_HOST'] ?? '0.0.0.0');
  Logger.log(`xero-sync listening on ${await app.getUrl()}`, 'Bootstrap');
}

void bootstrap();
