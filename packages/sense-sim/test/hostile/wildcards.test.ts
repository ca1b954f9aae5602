import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimulator, type Simulator } from '../../src/index.js';
import { MAX_TEXT_LENGTH } from '../../src/internal/data/expressions/text-limit.js';
import { isolated, openRaw, type RawEngine } from '../engine/engine-helpers.js';
import { HOSTILE_APP, hostileSite } from './hostile-site.js';

// Far above what linear matching needs, far below the seconds the old backtracking RegExp took
// (35 s for the 800-character case on the CI machine).
const LIVENESS_MS = 1000;

let sim: Simulator;
let doc: RawEngine;
let other: RawEngine;

beforeAll(async () => {
  sim = await createSimulator({ site: hostileSite(), https: false });
  doc = await openRaw(sim, isolated(HOSTILE_APP));
  const opened = await doc.call('OpenDoc', [HOSTILE_APP]);
  expect(opened.error).toBeUndefined();
  other = await openRaw(sim);
}, 60_000);

afterAll(async () => {
  await doc?.close();
  await other?.close();
  await sim?.close();
});

/** Evaluates on the app while a second client asks for EngineVersion; both must answer in time. */
async function evaluateWhileOtherAsks(expression: string): Promise<{ answer: Record<string, unknown>; ms: number }> {
  const started = performance.now();
  const [answer, version] = await Promise.all([
    doc.call('Evaluate', [expression], { handle: 1 }),
    other.call('EngineVersion'),
  ]);
  const ms = performance.now() - started;
  expect(version.result).toEqual({ qVersion: { qComponentVersion: expect.any(String) } });
  return { answer, ms };
}

describe('wildcard patterns from clients', () => {
  it.each([
    ["WildMatch(Repeat('a', 800), '*a*a*a*b')", '0'],
    ["WildMatch(Repeat('a', 10000), '*a*a*a*a*a*a*a*a*b')", '0'],
    ["WildMatch(Repeat('a', 10000) & 'b', '*a*a*a*a*a*a*a*a*b')", '1'],
    ["If(Repeat('a', 10000) like '*a*a*a*a*a*b', 1, 0)", '0'],
  ])('%s answers %s quickly while another client keeps answering', async (expression, expected) => {
    const { answer, ms } = await evaluateWhileOtherAsks(expression);
    expect(answer.result).toEqual({ qReturn: expected });
    expect(ms).toBeLessThan(LIVENESS_MS);
  });

  it('matches set-analysis element sets and searches against a long value quickly', async () => {
    const cases: [string, string][] = [
      ['Count({<Name={"*a*a*a*a*a*b"}>} Name)', '0'],
      ['Count({<Name={"*a*a*a*a*a*a"}>} Name)', '1'],
      ["Count({<Name={'*a*a*a*a*a*b'}>} Name)", '0'],
      // Single-quoted elements stay case-sensitive, double-quoted searches do not.
      ["Count({<Name={'A*'}>} Name)", '1'],
      ['Count({<Name={"A*"}>} Name)', `3`],
      ['Count({<Name={"?lpha"}>} Name)', '2'],
    ];
    for (const [expression, expected] of cases) {
      const { answer, ms } = await evaluateWhileOtherAsks(expression);
      expect(answer.result, expression).toEqual({ qReturn: expected });
      expect(ms, expression).toBeLessThan(LIVENESS_MS);
    }
  });

  it('selects by a wildcard search over the long value quickly', async () => {
    const field = await doc.call('GetField', ['Name'], { handle: 1 });
    const handle = (field.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    const started = performance.now();
    await doc.call('Select', ['*a*a*a*a*a*a*a*b'], { handle });
    await doc.call('Select', ['*a*a*a*a*a*a*a*a'], { handle });
    expect(performance.now() - started).toBeLessThan(LIVENESS_MS);
    expect((await doc.call('Evaluate', ['Count(Name)'], { handle: 1 })).result).toEqual({ qReturn: '1' });
    await doc.call('Clear', [], { handle });
  });
});

describe('date patterns from clients', () => {
  it('Date# with a pattern that would make a regular expression backtrack answers quickly', async () => {
    const { answer, ms } = await evaluateWhileOtherAsks(`Date#(Repeat('1', 40) & 'x', Repeat('[D]', 20))`);
    expect(answer.result).toEqual({ qReturn: '-' });
    expect(ms).toBeLessThan(LIVENESS_MS);
  });
});

describe('texts that would grow without bound', () => {
  it.each([
    ["Repeat('x', 1e9)", 'Repeat', 1e9],
    ["Repeat(Repeat('x', 10000), 10000)", 'Repeat', 1e8],
    ["Replace(Repeat('a', 10000), 'a', Repeat('b', 10000))", 'Replace', 1e8],
    ["Repeat('x', 6000000) & Repeat('y', 6000000)", "'&'", 12_000_000],
  ])(
    '%s fails with an expression error naming the limit, and the simulator keeps answering',
    async (expression, producer, length) => {
      const { answer, ms } = await evaluateWhileOtherAsks(expression);
      // Evaluate answers an expression error as its text, as the engine does.
      expect(answer.result).toEqual({
        qReturn: `Error in expression: ${producer} would produce a text of ${length} characters, over the maximum text length of ${MAX_TEXT_LENGTH} characters`,
      });
      expect(ms).toBeLessThan(LIVENESS_MS);
      expect((await doc.call('Evaluate', ["Len(Repeat('x', 1000))"], { handle: 1 })).result).toEqual({
        qReturn: '1000',
      });
    },
  );

  it('still builds texts up to the limit', async () => {
    const answer = await doc.call('Evaluate', [`Len(Repeat('x', ${MAX_TEXT_LENGTH}))`], { handle: 1 });
    expect(answer.result).toEqual({ qReturn: String(MAX_TEXT_LENGTH) });
  });
});
