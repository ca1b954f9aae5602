import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@qixflow/source'] },
  ssr: { resolve: { conditions: ['@qixflow/source'] } },
  test: {
    name: 'qix',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
