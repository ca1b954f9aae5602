import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFragment, readFragmentHeader } from '../../src/internal/site/fragment-store.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-lineage-fragments-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readAll(path: string): Promise<unknown[]> {
  const lines: unknown[] = [];
  for await (const line of readFragment(path)) lines.push(line);
  return lines;
}

describe('reading a fragment back', () => {
  it('fails with ERR_LINEAGE_FRAGMENT_INVALID naming the line that is not JSON', async () => {
    const path = join(dir, 'app.ndjson');
    await writeFile(path, '{"node":{"id":"a"}}\n{"node":\n');
    await expect(readAll(path)).rejects.toMatchObject({
      name: 'LineageError',
      code: 'ERR_LINEAGE_FRAGMENT_INVALID',
      message: `the fragment ${path} is damaged (line 2 is not JSON)`,
      path,
    });
  });

  it('fails with ERR_LINEAGE_FRAGMENT_INVALID when the fragment is gone', async () => {
    const path = join(dir, 'gone.ndjson');
    await expect(readFragmentHeader(path)).rejects.toMatchObject({
      code: 'ERR_LINEAGE_FRAGMENT_INVALID',
      message: `cannot read the fragment ${path}: ENOENT: no such file or directory`,
      path,
    });
  });

  it('gives the header of a fragment, or nothing when its first line is not one', async () => {
    const path = join(dir, 'app.ndjson');
    await writeFile(path, '{"app":{"appId":"a"}}\n{"node":{"id":"n"}}\n');
    expect(await readFragmentHeader(path)).toEqual({ appId: 'a' });
    await writeFile(path, '{"node":{"id":"n"}}\n');
    expect(await readFragmentHeader(path)).toBeUndefined();
  });
});
