import { Logger } from '@nestjs/common';
import { createSandboxApp } from './app/create-sandbox-app';
import { optionsFromEnv } from './app/config/sandbox-options';

async function bootstrap(): Promise<void> {
  const sandbox = await createSandboxApp(optionsFromEnv(process.env));
  const url = await sandbox.listen();
  const rt = sandbox.runtime;
  const orgs =
    [...rt.organisations.values()]
      .map((o) => `${o.name} (${o.tenantId})`)
      .join(', ') || 'none';
  Logger.log(
    `Xero sandbox on ${url} – Accounting API ${url}/api.xro/2.0, organisations: ${orgs}`,
    'XeroSandbox',
  );
  Logger.log(
    `OAuth client "${rt.options.defaultClient.clientId}"; admin surface ${url}/sandbox`,
    'XeroSandbox',
  );
  // One plain line for harnesses that spawn the sandbox (XERO_SANDBOX_PORT=0 picks a free port).
  process.stdout.write(`XERO_SANDBOX_URL=${url}\n`);
  const stop = async (signal: string) => {
    Logger.log(`${signal}: stopping`, 'XeroSandbox');
    await sandbox.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void bootstrap();
