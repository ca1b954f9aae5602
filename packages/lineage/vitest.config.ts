import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@qixflow/source'] },
  ssr: { resolve: { conditions: ['@qixflow/source'] } },
  test: {
    name: 'lineage',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The scale test measures live heap (after gc) while it crawls 300 apps.
    execArgv: ['--expose-gc'],
  },
});
