import { rename, writeFile } from 'node:fs/promises';

/** Writes a file so that readers see the old or the new content, never a half-written one. */
export async function atomicWrite(file: string, content: string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, content, 'utf8');
  await rename(tmp, file);
}
