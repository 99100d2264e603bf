import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * The architecture is a lint rule: the domain stays plain TypeScript. This runs the workspace's
 * real ESLint configuration on code placed (virtually) inside this library.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

function lintAsDomainFile(code: string): { ruleId: string; message: string }[] {
  const eslint = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
  let out: string;
  try {
    out = execFileSync(process.execPath, [eslint, '--stdin', '--stdin-filename', 'libs/customers/domain/src/lib/fixture.ts', '-f', 'json'], {
      cwd: ROOT,
      input: code,
      encoding: 'utf8',
    });
  } catch (err) {
    out = (err as { stdout: string }).stdout; // eslint exits 1 when it finds errors
  }
  return JSON.parse(out)[0].messages;
}

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
});
