import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Hang guards, not speed limits: on a shared 2-core machine a check that takes 20 s alone takes
    // 60 s beside other work (test/properties/check-slices.test.ts timed out so in CI).
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
