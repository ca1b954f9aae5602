import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LineageError, type LineageGraph, writeGraphJson, writeOpenLineageNdjson } from '../src/index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-lineage-write-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const graph: LineageGraph = { schemaVersion: 'qixflow-lineage/1', nodes: [], edges: [], apps: [] };

describe('writing outputs into a folder that does not exist', () => {
  it('writeGraphJson fails with ERR_LINEAGE_OUTPUT naming the file and the reason', async () => {
    const file = join(dir, 'missing', 'lineage.json');
    const error = await writeGraphJson(graph, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineageError);
    expect(error).toMatchObject({
      code: 'ERR_LINEAGE_OUTPUT',
      message: `cannot write ${file}: ENOENT: no such file or directory`,
      path: file,
      cause: expect.objectContaining({ code: 'ENOENT' }),
    });
  });

  it('writeOpenLineageNdjson fails the same way', async () => {
    const file = join(dir, 'missing', 'openlineage.ndjson');
    await expect(writeOpenLineageNdjson([], file)).rejects.toMatchObject({
      code: 'ERR_LINEAGE_OUTPUT',
      message: `cannot write ${file}: ENOENT: no such file or directory`,
    });
  });
});
