import { rename, writeFile } from 'node:fs/promises';
import { fileError } from './file-error.js';

/**
 * Writes a file so that readers see the old or the new content, never a half-written one.
 * Fails with `ERR_LINEAGE_OUTPUT`.
 */
export async function atomicWrite(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, file);
  } catch (error) {
    throw fileError('ERR_LINEAGE_OUTPUT', 'write', file, error);
  }
}
