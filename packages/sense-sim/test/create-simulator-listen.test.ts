import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulator } from '../src/index.js';

// A task the engine's scheduler runs every second; each successful run saves the app into the work folder.
const SITE = {
  apps: [{ id: 'app-scheduled', name: 'Scheduled', script: 'T:\nLOAD * INLINE [\nA\n1\n];\n' }],
  reloadTasks: [{ name: 'Every second', app: 'app-scheduled', everySeconds: 1 }],
};

const open: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await new Promise((resolve) => server.close(resolve));
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A server listening on a free port of 127.0.0.1, closed after the test. */
async function occupy(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  open.push(server);
  return { server, port: (server.address() as AddressInfo).port };
}

/** A port that was free a moment ago. */
async function freePort(): Promise<number> {
  const { server, port } = await occupy();
  open.splice(open.indexOf(server), 1);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function workDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-listen-'));
  dirs.push(dir);
  return dir;
}

/** The apps the engine saved into `dir` after `ms` more: none while its scheduler is stopped. */
async function savedAfter(dir: string, ms: number): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return readdir(join(dir, 'apps'));
}

describe('createSimulator when a listener cannot listen', () => {
  it('rejects when its port is in use, and stops the engine it had started (no scheduled reload runs)', async () => {
    const { port } = await occupy();
    const dir = await workDir();
    const starting = createSimulator({ site: SITE, https: false, host: '127.0.0.1', port, workDir: dir });
    await expect(starting).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(await savedAfter(dir, 1600)).toEqual([]);
  });

  it("rejects when the direct engine's port is in use, and frees the main port it was listening on", async () => {
    const { port: busy } = await occupy();
    const port = await freePort();
    const dir = await workDir();
    const starting = createSimulator({
      site: SITE,
      https: false,
      host: '127.0.0.1',
      port,
      directEngine: true,
      directEnginePort: busy,
      workDir: dir,
    });
    await expect(starting).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // The simulator's listener let the port go: another server can take it.
    await expect(occupy(port)).resolves.toMatchObject({ port });
    expect(await savedAfter(dir, 1600)).toEqual([]);
  });
});
