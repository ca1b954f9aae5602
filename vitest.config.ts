import { defineConfig } from 'vitest/config';

// One run for the whole monorepo: each package is a project, root `test/` holds cross-package
// end-to-end tests. Sources are used directly through the `@qixflow/source` export condition.
export default defineConfig({
  resolve: { conditions: ['@qixflow/source'] },
  ssr: { resolve: { conditions: ['@qixflow/source'] } },
  test: {
    projects: ['packages/*', 'test'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
