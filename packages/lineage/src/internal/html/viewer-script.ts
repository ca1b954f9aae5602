import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let cached: Promise<string> | undefined;

/** esbuild options of the viewer bundle (shared with scripts/bundle-viewer.mjs). */
export const VIEWER_BUILD = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
} as const;

async function bundleFromSource(): Promise<string> {
  const entry = fileURLToPath(new URL('../../../viewer/lineage-viewer.ts', import.meta.url));
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new Error(
      'the lineage viewer bundle is missing (run the package build) and esbuild is not installed to build it',
      { cause: error },
    );
  }
  const result = await esbuild.build({
    ...VIEWER_BUILD,
    target: [...VIEWER_BUILD.target],
    entryPoints: [entry],
    write: false,
  });
  return result.outputFiles[0]?.text ?? '';
}

/**
 * The browser script of the HTML page (viewer + cytoscape, one file): the bundle the package build
 * wrote next to the compiled code (`dist/lineage-viewer.js`), or — in the workspace, running from
 * sources — bundled now with esbuild. Built once per process.
 */
export function viewerScript(): Promise<string> {
  cached ??= readFile(new URL('../../lineage-viewer.js', import.meta.url), 'utf8').catch(() => bundleFromSource());
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
