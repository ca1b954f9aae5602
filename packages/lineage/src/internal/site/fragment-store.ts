import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppReport, LineageEdge, LineageNode } from '../../generated/lineage-graph.js';
import { LineageError } from '../../lineage-error.js';
import type { AppAnalysis, DatasetUse } from '../app/analyse-app.js';
import { atomicWrite } from '../util/atomic-write.js';
import { fileError } from '../util/file-error.js';
import { sha256Hex } from '../util/hash.js';
import { readLines } from '../util/read-lines.js';

/** The first line of a fragment file. */
export interface FragmentHeader {
  readonly appId: string;
  readonly report: AppReport;
  readonly datasets: readonly DatasetUse[];
  readonly binaryPaths: readonly string[];
  readonly nodes: number;
  readonly edges: number;
}

/** One line of a fragment file. */
export type FragmentLine =
  | { readonly app: FragmentHeader }
  | { readonly node: LineageNode }
  | { readonly edge: LineageEdge };

/** File name of an app's fragment: the id when it is file-safe, else a safe form plus a hash. */
function fragmentFileName(appId: string): string {
  const safe = appId.replace(/[^A-Za-z0-9._-]/g, '_');
  return safe === appId ? `${appId}.ndjson` : `${safe.slice(0, 80)}-${sha256Hex(appId, 8)}.ndjson`;
}

/** Writes an app's fragment (header, nodes, edges: one JSON per line) atomically; returns its sha256. */
export async function writeFragment(dir: string, analysis: AppAnalysis): Promise<{ file: string; hash: string }> {
  const header: FragmentHeader = {
    appId: analysis.report.appId,
    report: analysis.report,
    datasets: analysis.datasets,
    binaryPaths: analysis.binaryPaths,
    nodes: analysis.graph.nodes.length,
    edges: analysis.graph.edges.length,
  };
  const lines = [JSON.stringify({ app: header })];
  for (const node of analysis.graph.nodes) lines.push(JSON.stringify({ node }));
  for (const edge of analysis.graph.edges) lines.push(JSON.stringify({ edge }));
  const text = `${lines.join('\n')}\n`;
  const file = fragmentFileName(analysis.report.appId);
  await atomicWrite(join(dir, file), text);
  return { file, hash: createHash('sha256').update(text).digest('hex') };
}

/** sha256 of a fragment file, or undefined when it cannot be read. */
export async function fragmentHash(path: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * The lines of a fragment, parsed, streamed. A fragment that cannot be read or is not JSON lines
 * (changed by someone else since it was written) fails with `ERR_LINEAGE_FRAGMENT_INVALID`.
 */
export async function* readFragment(path: string): AsyncGenerator<FragmentLine, void, undefined> {
  let number = 0;
  try {
    for await (const line of readLines(path)) {
      number++;
      yield JSON.parse(line) as FragmentLine;
    }
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new LineageError(
        'ERR_LINEAGE_FRAGMENT_INVALID',
        `the fragment ${path} is damaged (line ${number} is not JSON)`,
        {
          path,
          cause: error,
        },
      );
    }
    throw fileError('ERR_LINEAGE_FRAGMENT_INVALID', 'read the fragment', path, error);
  }
}

/** The header (first line) of a fragment; undefined when the fragment is empty. */
export async function readFragmentHeader(path: string): Promise<FragmentHeader | undefined> {
  for await (const line of readFragment(path)) return 'app' in line ? line.app : undefined;
  return undefined;
}
