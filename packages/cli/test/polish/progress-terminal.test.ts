import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import xterm from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../support/run-qixflow.js';
import { startTestSimulator, type TestSimulator } from '../support/test-simulator.js';

let t: TestSimulator;

beforeAll(async () => {
  t = await startTestSimulator();
});
afterAll(async () => {
  await t?.close();
});

/**
 * Runs qixflow on a pseudo-terminal (util-linux `script`), so that the progress bar is drawn, and
 * replays what it wrote into a headless terminal: the screen a person would see at the end.
 */
async function screenAfter(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; screen: string[] }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { ...cleanEnv(env), COLUMNS: '160', LINES: '50', TERM: 'xterm-256color' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const terminal = new xterm.Terminal({ cols: 160, rows: 50, allowProposedApi: true });
  await new Promise<void>((resolve) => terminal.write(Buffer.concat(chunks), resolve));
  const buffer = terminal.buffer.active;
  const screen: string[] = [];
  for (let i = 0; i < buffer.length; i++) screen.push(buffer.getLine(i)?.translateToString(true) ?? '');
  terminal.dispose();
  return { code, screen: screen.filter((line) => line.trim() !== '') };
}

describe('the lineage progress bar on a terminal', () => {
  it('leaves failures and the summary readable: logged above the bar, the bar cleared before the summary', async () => {
    t.sim.control.failNext('GetScript', { count: 2, code: 2, message: 'Object not found' });
    const out = await mkdtemp(join(tmpdir(), 'qixflow-progress-'));
    const { code, screen } = await screenAfter(
      ['lineage', '--all', '--out', out, '--concurrency', '1', '--no-resume'],
      t.env(),
    );
    expect(code).toBe(6);
    const failures = screen.filter((line) => line.startsWith('failed: '));
    expect(failures).toHaveLength(2);
    for (const line of failures) expect(line).toMatch(/^failed: .+: ERR_ENGINE: GetScript failed: Object not found/);
    // The summary follows, whole; no bar is left anywhere on the screen.
    const summary = screen.indexOf(`lineage written to ${out}`);
    expect(summary).toBeGreaterThan(screen.indexOf(failures[1] as string));
    expect(screen.slice(summary + 1, summary + 3)).toEqual([
      expect.stringMatching(/^ {2}apps: +5 \(3 extracted, 2 failed\)$/),
      expect.stringMatching(/^ {2}tables: +\d+$/),
    ]);
    expect(screen.join('\n')).not.toMatch(/\d+\/5 apps \|/);
  }, 60_000);
});
