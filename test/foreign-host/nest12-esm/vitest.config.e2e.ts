import { defineConfig } from 'vitest/config';

// As `nest new` 12 writes it, except for path aliases: Vite 8 resolves tsconfig paths itself
// (`resolve.tsconfigPaths`), where the template's vite-tsconfig-paths 5 pulls tsconfck, whose
// peer range (TypeScript ^5) leaves `npm ls` failing beside the template's TypeScript 6.
export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    globals: true,
    root: './',
    include: ['**/*.e2e-spec.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
