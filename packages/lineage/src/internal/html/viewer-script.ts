import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { LineageError } from '../../lineage-error.js';

let cached: Promise<string> | undefined;

/** esbuild options of the viewer bundle (shared with scripts/bundle-viewer.mjs). */
const VIEWER_BUILD = {
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
    throw new Error('esbuild is not installed to build it', { cause: error });
  }
  const result = await esbuild.build({
    ...VIEWER_BUILD,
    target: [...VIEWER_BUILD.target],
    entryPoints: [entry],
    write: false,
  });
  return result.outputFiles[0]?.text ?? '';
}

/** Where the viewer script comes from (injectable for tests). */
export interface ViewerSources {
  /** The bundle the package build wrote next to the compiled code (`dist/lineage-viewer.js`). */
  readonly bundled: () => Promise<string>;
  /** The viewer bundled now from its sources (the workspace, running from sources). */
  readonly fromSource: () => Promise<string>;
}

const PACKAGE_SOURCES: ViewerSources = {
  bundled: () => readFile(new URL('../../lineage-viewer.js', import.meta.url), 'utf8'),
  fromSource: bundleFromSource,
};

/**
 * The viewer script from the first source that has it; `ERR_LINEAGE_VIEWER_UNAVAILABLE` when there is
 * no bundle and none can be built.
 */
export async function loadViewerScript(sources: ViewerSources = PACKAGE_SOURCES): Promise<string> {
  try {
    return await sources.bundled();
  } catch {
    // Not built: running from sources.
  }
  try {
    return await sources.fromSource();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LineageError(
      'ERR_LINEAGE_VIEWER_UNAVAILABLE',
      `the lineage viewer bundle is missing (run the package build) and cannot be built from its sources: ${reason}`,
      { cause: error },
    );
  }
}

/**
 * The browser script of the HTML page (viewer + dagre, one file): the bundle the package build
 * wrote next to the compiled code (`dist/lineage-viewer.js`), or — in the workspace, running from
 * sources — bundled now with esbuild. Built once per process.
 */
export function viewerScript(): Promise<string> {
  cached ??= loadViewerScript();
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
