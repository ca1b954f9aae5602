import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { openRaw, type RawEngine } from '../engine/engine-helpers.js';

const CTRL00 = readFileSync(new URL('./ctrl00.qvs', import.meta.url), 'utf8');
const PIECES = [
  'LOAD',
  ' AS ',
  ';',
  '(',
  ')',
  ',',
  "'",
  '$(',
  '[',
  ']',
  'RESIDENT ',
  'AUTOGENERATE 5',
  'JOIN ',
  'IF ',
  'NEXT',
  '\n',
];

/** A small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function mutate(text: string, rand: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rand() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * out.length);
    const choice = rand();
    if (choice < 0.4) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 8));
    else if (choice < 0.8) out = out.slice(0, at) + (PIECES[Math.floor(rand() * PIECES.length)] ?? '') + out.slice(at);
    else {
      const other = Math.floor(rand() * out.length);
      out = out.slice(0, Math.min(at, other)) + out.slice(Math.max(at, other));
    }
  }
  return out;
}

describe('random scripts never crash the simulator', () => {
  let sim: Simulator;
  let raw: RawEngine;
  beforeAll(async () => {
    sim = await createSimulator({ site: { apps: [] } });
    raw = await openRaw(sim);
    await raw.call('CreateSessionApp');
  });
  afterAll(async () => {
    await raw.close();
    await sim.close();
  });

  it('answers DoReload of 150 mutated scripts with true or false, and keeps serving', async () => {
    const rand = random(20261128);
    let failures = 0;
    for (let i = 0; i < 150; i++) {
      const script = mutate(CTRL00, rand);
      await raw.call('SetScript', [script], { handle: 1 });
      const answer = await raw.call('DoReload', [], { handle: 1 });
      expect(answer.error, `script #${i} crashed the reload: ${JSON.stringify(answer.error)}`).toBeUndefined();
      expect(typeof (answer.result as { qReturn: unknown }).qReturn).toBe('boolean');
      if ((answer.result as { qReturn: boolean }).qReturn === false) failures++;
    }
    // The mutations break most scripts: the point is that each one gets an answer.
    expect(failures).toBeGreaterThan(10);
    expect((await raw.call('EngineVersion')).result).toHaveProperty('qVersion');
  });
});
