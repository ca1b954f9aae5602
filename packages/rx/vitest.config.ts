import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@qixflow/source'] },
  ssr: { resolve: { conditions: ['@qixflow/source'] } },
  // The root config's timeouts are not inherited by projects: the same values here.
  test: { name: 'rx', include: ['test/**/*.test.ts'], environment: 'node', testTimeout: 20_000, hookTimeout: 30_000 },
});
