import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** One generated file: its path (relative to the repository root, or absolute), and the text it must hold. */
export interface GeneratedFile {
  path: string;
  text: string;
}

/**
 * Writes generated files that changed — or, with `check`, writes nothing and reports each stale
 * one (CI). Returns how many were stale (always 0 when writing); sets the process exit code.
 *
 * @example
 * ```ts
 * await writeGenerated(root, [{ path: 'packages/x/src/generated/a.ts', text }], { check, command: 'pnpm x' });
 * ```
 */
export async function writeGenerated(
  root: string,
  files: readonly GeneratedFile[],
  options: { check: boolean; command: string },
): Promise<number> {
  let stale = 0;
  for (const file of files) {
    const path = resolve(root, file.path);
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current === file.text) continue;
    if (options.check) {
      console.error(`out of date: ${file.path} (run \`${options.command}\`)`);
      stale++;
    } else {
      await writeFile(path, file.text);
      console.log(`wrote ${file.path}`);
    }
  }
  process.exitCode = stale ? 1 : 0;
  return stale;
}
