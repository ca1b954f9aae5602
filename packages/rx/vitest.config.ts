import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@qixflow/source'] },
  ssr: { resolve: { conditions: ['@qixflow/source'] } },
  test: { name: 'rx', include: ['test/**/*.test.ts'], environment: 'node' },
});
