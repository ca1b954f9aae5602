import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CrawlState, CrawlStateWriter } from '../../src/internal/site/crawl-state.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-lineage-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('saving the crawl state', () => {
  it('reports a failed save at flush with ERR_LINEAGE_OUTPUT (not as an unhandled rejection)', async () => {
    const file = join(dir, 'missing', 'lineage-state.json');
    const writer = new CrawlStateWriter(file, { version: 1, host: 'h', apps: {} });
    writer.changed();
    await expect(writer.flush()).rejects.toMatchObject({
      code: 'ERR_LINEAGE_OUTPUT',
      message: expect.stringMatching(new RegExp(`^cannot write ${file}: ENOENT: no such file or directory$`)),
      path: file,
    });
  });

  it('forgets a failed save once a later one succeeds', async () => {
    const folder = join(dir, 'later');
    const file = join(folder, 'lineage-state.json');
    const state: CrawlState = { version: 1, host: 'h', apps: {} };
    const writer = new CrawlStateWriter(file, state);
    writer.changed();
    await expect(writer.flush()).rejects.toMatchObject({ code: 'ERR_LINEAGE_OUTPUT' });
    await mkdir(folder);
    writer.changed();
    await writer.flush();
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state);
  });
});
