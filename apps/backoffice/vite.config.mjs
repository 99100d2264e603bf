// Bundles the back office into dist/apps/backoffice; server/main.js serves it and proxies /api.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: './',
  build: { outDir: fileURLToPath(new URL('../../dist/apps/backoffice', import.meta.url)), emptyOutDir: true },
  oxc: { jsx: { runtime: 'automatic' } },
});
