import type { SiteLineageSummary } from '@qixflow/lineage';
import { describe, expect, it } from 'vitest';
import { type LineageReport, lineageExitCode } from '../../src/internal/run-lineage.js';

function report(summary: Partial<SiteLineageSummary>): LineageReport {
  const full: SiteLineageSummary = {
    aborted: false,
    apps: { total: 0, extracted: 0, skipped: 0, failed: 0 },
    failures: [],
    nodes: 0,
    edges: 0,
    nodeCounts: {},
    edgeCounts: {},
    files: { state: 'state.json', fragments: 'fragments' },
    durationMs: 1,
    ...summary,
  };
  return { summary: full, tables: 0, fields: 0, crossAppQvdLinks: 0 };
}

const failure = (code: string) => ({ appId: 'a1', appName: 'Sales', code, message: `${code} happened` });

describe('the exit code of a lineage run', () => {
  it("is the first failure's own exit code when every app failed", () => {
    const all = (code: string) =>
      lineageExitCode(report({ apps: { total: 1, extracted: 0, skipped: 0, failed: 1 }, failures: [failure(code)] }));
    expect(all('ERR_HANDSHAKE_REJECTED')).toBe(4);
    expect(all('ERR_TIMEOUT')).toBe(3);
    expect(all('ERR_LINEAGE_APP')).toBe(1);
    expect(all('ERR_SOMETHING_NEW')).toBe(1);
  });

  it('is 6 when some apps failed, 0 when none did, 130 when interrupted', () => {
    const some = report({ apps: { total: 2, extracted: 1, skipped: 0, failed: 1 }, failures: [failure('ERR_ENGINE')] });
    expect(lineageExitCode(some)).toBe(6);
    expect(lineageExitCode(report({ apps: { total: 2, extracted: 2, skipped: 0, failed: 0 } }))).toBe(0);
    expect(lineageExitCode(report({ aborted: true }))).toBe(130);
  });
});
