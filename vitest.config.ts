import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    // Hang guards, not speed limits: on a shared 2-core machine a check that takes 20 s alone takes
    // 60 s beside other work (test/properties/check-slices.test.ts timed out so in CI).
    testTimeout: 240_000,
    hookTimeout: 240_000,
    // Two test files at once even on two cores: vitest's default (cores − 1) runs one file at a
    // time there and leaves a core to its own main process, which has next to nothing to do.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
