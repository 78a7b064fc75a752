import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real control plane needs Go and a long first build: `npm run test:kube` (test/kube/vitest.config.ts).
    exclude: ['test/kube/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
