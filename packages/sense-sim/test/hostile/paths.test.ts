import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, SiteFixtureError } from '../../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qixflow-sim-paths-'));
  await mkdir(join(dir, 'apps'));
  await writeFile(join(dir, 'apps', 'broken.json'), '{ not json');
  await writeFile(join(dir, 'missing-app.json'), JSON.stringify({ apps: ['apps/missing.json'] }));
  await writeFile(join(dir, 'broken-app.json'), JSON.stringify({ apps: ['apps/broken.json'] }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The error `createSimulator` rejects with, checked to name no host folder. */
async function siteError(site: string): Promise<SiteFixtureError> {
  const error = await createSimulator({ site }).then(
    () => expect.unreachable('the site should not load'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SiteFixtureError);
  const { message } = error as SiteFixtureError;
  expect(message).not.toContain(tmpdir());
  expect(message).not.toContain(process.cwd());
  return error as SiteFixtureError;
}

describe('site loading errors name files as written', () => {
  it('a site file that does not exist, by the path the caller gave', async () => {
    expect((await siteError('no/such/site.json')).message).toBe('cannot read no/such/site.json (no such file)');
  });

  it('an app file the site names, as the site wrote it', async () => {
    expect((await siteError(join(dir, 'missing-app.json'))).message).toBe(
      'cannot read apps/missing.json (no such file)',
    );
  });

  it('an app file that is not JSON, as the site wrote it', async () => {
    expect((await siteError(join(dir, 'broken-app.json'))).message).toMatch(/^apps\/broken\.json is not JSON: /);
  });
});
