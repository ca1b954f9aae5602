import { describe, expect, it } from 'vitest';
import { loadViewerScript } from '../../src/internal/html/viewer-script.js';

const missing = () =>
  Promise.reject(
    Object.assign(new Error("ENOENT: no such file or directory, open 'lineage-viewer.js'"), { code: 'ENOENT' }),
  );

describe('the viewer script', () => {
  it('is the built bundle when there is one, else built from the sources', async () => {
    expect(await loadViewerScript({ bundled: async () => 'bundle', fromSource: async () => 'source' })).toBe('bundle');
    expect(await loadViewerScript({ bundled: missing, fromSource: async () => 'source' })).toBe('source');
  });

  it('fails with ERR_LINEAGE_VIEWER_UNAVAILABLE when there is no bundle and none can be built', async () => {
    const noEsbuild = new Error('esbuild is not installed to build it');
    await expect(
      loadViewerScript({ bundled: missing, fromSource: () => Promise.reject(noEsbuild) }),
    ).rejects.toMatchObject({
      name: 'LineageError',
      code: 'ERR_LINEAGE_VIEWER_UNAVAILABLE',
      message:
        'the lineage viewer bundle is missing (run the package build) and cannot be built from its sources: esbuild is not installed to build it',
      cause: noEsbuild,
    });
  });
});
