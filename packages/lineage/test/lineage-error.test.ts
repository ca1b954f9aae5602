import { readFile } from 'node:fs/promises';
import { isQixflowError, QixflowError } from '@qixflow/core';
import { describe, expect, it } from 'vitest';
import { isLineageError, LineageError, type LineageErrorCode } from '../src/index.js';

// Every code, checked against the type: adding a code without listing it here fails the typecheck.
const CODES = {
  ERR_LINEAGE_OUTPUT: true,
  ERR_LINEAGE_FRAGMENT_INVALID: true,
  ERR_LINEAGE_VIEWER_UNAVAILABLE: true,
  ERR_LINEAGE_APP: true,
  ERR_LINEAGE_NODE_NOT_FOUND: true,
  ERR_LINEAGE_NODE_AMBIGUOUS: true,
} as const satisfies Record<LineageErrorCode, true>;

describe('LineageError', () => {
  it('is a QixflowError with a lineage code, the path involved and the cause kept', () => {
    const cause = Object.assign(new Error("EACCES: permission denied, open '/srv/out/lineage.json'"), {
      code: 'EACCES',
    });
    const error = new LineageError('ERR_LINEAGE_OUTPUT', 'cannot write /srv/out/lineage.json: EACCES', {
      path: '/srv/out/lineage.json',
      cause,
    });
    expect(error).toBeInstanceOf(QixflowError);
    expect(isQixflowError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'LineageError',
      code: 'ERR_LINEAGE_OUTPUT',
      message: 'cannot write /srv/out/lineage.json: EACCES',
      path: '/srv/out/lineage.json',
      cause,
    });
  });

  it('keeps credentials out of its message, as every QixflowError does', () => {
    const error = new LineageError('ERR_LINEAGE_APP', 'CONNECT TO [Provider=SQLOLEDB;User ID=sa;Password=hunter2]');
    expect(error.message).not.toContain('hunter2');
  });

  it('is told apart by isLineageError, optionally by code', () => {
    const error = new LineageError('ERR_LINEAGE_FRAGMENT_INVALID', 'the fragment x is damaged');
    expect(isLineageError(error)).toBe(true);
    expect(isLineageError(error, 'ERR_LINEAGE_FRAGMENT_INVALID', 'ERR_LINEAGE_OUTPUT')).toBe(true);
    expect(isLineageError(error, 'ERR_LINEAGE_OUTPUT')).toBe(false);
    expect(isLineageError(new QixflowError('ERR_ENGINE', 'GetScript failed'))).toBe(false);
  });

  it('has every code documented in the README error table', async () => {
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    for (const code of Object.keys(CODES)) expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });
});
