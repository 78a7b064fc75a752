import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The real control plane (adapters/kube) is tested apart from `npm test`: its first build takes
// longer than the suite may (docs/fidelity.md, "Build"). `npm run test:kube` builds it and runs this.
export default defineConfig({
  // Paths from the repository's root, whatever directory the command runs in.
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/kube/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
