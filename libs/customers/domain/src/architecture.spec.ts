import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The architecture is a lint rule: the domain stays plain TypeScript. This runs the workspace's
 * real ESLint configuration on code placed (virtually) inside this library.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function lintAs(file: string, code: string): { ruleId: string; message: string }[] {
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  let out: string;
  try {
    out = execFileSync(process.execPath, [eslint, '--stdin', '--stdin-filename', file, '-f', 'json'], {
      cwd: ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (err) {
    out = (err as { stdout: string }).stdout; // eslint exits 1 when it finds errors
  }
  return JSON.parse(out)[0].messages;
}

const lintAsDomainFile = (code: string) => lintAs('libs/customers/domain/src/lib/fixture.ts', code);

describe('domain library boundaries', () => {
  it.each(['@nestjs/common', 'mongoose', 'amqplib', 'xero-node'])('rejects an import of %s', (pkg) => {
    const messages = lintAsDomainFile(`import * as fw from '${pkg}';\nexport const used = fw;\n`);
    expect(messages).toContainEqual(
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining(`not allowed to import "${pkg}"`) }),
    );
  });

  it('accepts plain TypeScript', () => {
    expect(lintAsDomainFile(`export const answer = 42;\n`)).toEqual([]);
  });

  it('takes the enumerations of the contracts, never their event classes', () => {
    expect(lintAsDomainFile(`import { XERO_STATUSES } from '@pos/sync-contracts/enums';\nexport const s = XERO_STATUSES;\n`)).toEqual([]);
    expect(lintAsDomainFile(`import { CustomerChanged } from '@pos/sync-contracts';\nexport const e = CustomerChanged;\n`)).toContainEqual(
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('"type:domain" can only depend on') }),
    );
  });
});

describe('ownership boundaries', () => {
  const testing = `import { uniqueName } from '@pos/testing';\nexport const n = uniqueName;\n`;

  it("keeps the test harness out of a service's own code, and allows it in its tests", () => {
    expect(lintAs('apps/customers/src/fixture.ts', testing)).toContainEqual(expect.objectContaining({ ruleId: 'no-restricted-imports' }));
    expect(lintAs('apps/customers/test/fixture.e2e-spec.ts', testing)).toEqual([]);
  });

  it('keeps the shared platform free of either service', () => {
    expect(lintAs('libs/shared/service-kit/src/lib/fixture.ts', `import { DomainError } from '@pos/customers-domain';\nexport const e = DomainError;\n`)).toContainEqual(
      expect.objectContaining({ ruleId: '@nx/enforce-module-boundaries', message: expect.stringContaining('"scope:shared" can only depend on') }),
    );
  });
});
