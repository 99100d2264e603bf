import type { Config } from 'jest';
import { getJestProjectsAsync } from '@nx/jest';

// `npm test` runs every project in one jest process. Options such as testTimeout are global in
// this mode (project configs cannot set them), so they are set here as well as in jest.preset.js.
export default async (): Promise<Config> => ({
  projects: await getJestProjectsAsync(),
  testTimeout: 60_000,
});
