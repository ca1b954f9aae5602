import { QixflowError } from '@qixflow/core';
import { describe, expect, it } from 'vitest';
import { failureInfo } from '../../src/internal/site/crawl-apps.js';

describe('the code and message a failed app is recorded with', () => {
  it('is ERR_TIMEOUT when the app did not answer within appTimeoutMs', () => {
    expect(failureInfo(new Error('aborted'), true)).toEqual({
      code: 'ERR_TIMEOUT',
      message: 'the app did not answer in time (appTimeoutMs)',
    });
  });

  it("is the error's own code when it has one", () => {
    const error = new QixflowError('ERR_SOCKET_CLOSED', 'GetScript: the websocket is closed');
    expect(failureInfo(error, false)).toEqual({
      code: 'ERR_SOCKET_CLOSED',
      message: 'GetScript: the websocket is closed',
    });
  });

  it('is ERR_LINEAGE_APP for an error without a code, its message redacted', () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'qName') in Password=hunter2;");
    const info = failureInfo(error, false);
    expect(info.code).toBe('ERR_LINEAGE_APP');
    expect(info.message).toMatch(/^Cannot read properties of undefined \(reading 'qName'\) in Password=/);
    expect(info.message).not.toContain('hunter2');
  });
});
