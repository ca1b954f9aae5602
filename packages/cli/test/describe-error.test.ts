import { QixflowError } from '@qixflow/core';
import { LineageError } from '@qixflow/lineage';
import { RxQixError } from '@qixflow/rx';
import { describe, expect, it } from 'vitest';
import { CliError } from '../src/cli-error.js';
import { describeError } from '../src/describe-error.js';

describe('describeError', () => {
  it("prints a lineage error's code and message, with lineage's exit code and fix", () => {
    const output = new LineageError(
      'ERR_LINEAGE_OUTPUT',
      'cannot write /srv/out/lineage.json: EACCES: permission denied',
      {
        path: '/srv/out/lineage.json',
      },
    );
    expect(describeError(output)).toEqual({
      code: 'ERR_LINEAGE_OUTPUT',
      message: 'cannot write /srv/out/lineage.json: EACCES: permission denied',
      fix: '--out must name a folder this user can write, on a disk with room: check the path named above',
      exitCode: 2,
    });
    const fragment = new LineageError(
      'ERR_LINEAGE_FRAGMENT_INVALID',
      'the fragment /o/f.ndjson is damaged (line 1 is not JSON)',
    );
    expect(describeError(fragment)).toMatchObject({
      code: 'ERR_LINEAGE_FRAGMENT_INVALID',
      message: 'the fragment /o/f.ndjson is damaged (line 1 is not JSON)',
      fix: expect.stringContaining('--no-resume'),
      exitCode: 1,
    });
    const viewer = new LineageError('ERR_LINEAGE_VIEWER_UNAVAILABLE', 'the lineage viewer bundle is missing');
    expect(describeError(viewer)).toMatchObject({
      code: 'ERR_LINEAGE_VIEWER_UNAVAILABLE',
      message: 'the lineage viewer bundle is missing',
      fix: expect.stringContaining('--format'),
      exitCode: 1,
    });
  });

  it('finds a lineage or core error anywhere in the cause chain', () => {
    const output = new LineageError(
      'ERR_LINEAGE_OUTPUT',
      'cannot write /o/lineage.json: ENOSPC: no space left on device',
    );
    expect(describeError(new Error('the command failed', { cause: output }))).toMatchObject({
      code: 'ERR_LINEAGE_OUTPUT',
      message: 'cannot write /o/lineage.json: ENOSPC: no space left on device',
      exitCode: 2,
    });
    // An rx stream error says less than the core error it wraps.
    const closed = new QixflowError('ERR_SOCKET_CLOSED', 'GetLayout: the websocket is closed');
    expect(describeError(new RxQixError('ERR_CALL_FAILED', 'GetLayout failed', { cause: closed }))).toMatchObject({
      code: 'ERR_SOCKET_CLOSED',
      message: 'GetLayout: the websocket is closed',
      exitCode: 3,
    });
  });

  it('prints any other coded error with its own code: an rx error, a recorded failure', () => {
    expect(describeError(new RxQixError('ERR_SELECTION_REJECTED', 'the engine refused the selection'))).toEqual({
      code: 'ERR_SELECTION_REJECTED',
      message: 'the engine refused the selection',
      fix: undefined,
      exitCode: 1,
    });
    const recorded = {
      appId: 'a1',
      appName: 'Sales',
      code: 'ERR_HANDSHAKE_REJECTED',
      message: 'the proxy rejected the JWT',
    };
    expect(describeError(recorded)).toMatchObject({
      code: 'ERR_HANDSHAKE_REJECTED',
      message: 'the proxy rejected the JWT',
      fix: expect.stringContaining('--key-file'),
      exitCode: 4,
    });
    expect(
      describeError({ code: 'ERR_LINEAGE_APP', message: "Cannot read properties of undefined (reading 'qName')" }),
    ).toEqual({
      code: 'ERR_LINEAGE_APP',
      message: "Cannot read properties of undefined (reading 'qName')",
      fix: 'the message says what failed; report it if it looks like a bug',
      exitCode: 1,
    });
    expect(
      describeError({ code: 'ERR_TIMEOUT', message: 'the app did not answer in time (appTimeoutMs)' }),
    ).toMatchObject({
      code: 'ERR_TIMEOUT',
      exitCode: 3,
    });
  });

  it("keeps the CLI's own errors and calls an error without a code unexpected", () => {
    expect(describeError(new CliError('ERR_USAGE', '--app and --all cannot be combined', { fix: 'give one' }))).toEqual(
      {
        code: 'ERR_USAGE',
        message: '--app and --all cannot be combined',
        fix: 'give one',
        exitCode: 2,
      },
    );
    expect(describeError(new TypeError('x is not a function'))).toEqual({
      code: 'ERR_UNEXPECTED',
      message: 'x is not a function',
      fix: 'run again with --debug for the stack trace, and report it if it looks like a bug',
      exitCode: 1,
    });
    expect(describeError({ code: 'toString', message: 'not one of ours' })).toMatchObject({
      code: 'toString',
      exitCode: 1,
    });
  });
});
