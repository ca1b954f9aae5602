import { describe, expect, it } from 'vitest';
import { CloudChangePoller } from '../../src/changes/cloud-change-poller.js';
import { isQixflowError } from '../../src/index.js';
import type { CloudRestClient } from '../../src/qrs/cloud-rest-client.js';

/** A tenant whose item listing never ends: `next` is a new link (or, with `same`, the same link) every time. */
function endlessTenant(same: boolean): { client: CloudRestClient; requests: () => number } {
  let requests = 0;
  const client = {
    get: async (path: string) => {
      requests += 1;
      if (path.startsWith('audits')) return { data: [] };
      if (path === 'reloads') return { data: [] };
      return {
        data: [{ id: `i${requests}`, resourceId: `a${requests}`, name: 'x', updatedAt: '2026-01-01T00:00:00.000Z' }],
        links: { next: { href: same ? '/api/v1/items?next=again' : `/api/v1/items?next=${requests}` } },
      };
    },
  } as unknown as CloudRestClient;
  return { client, requests: () => requests };
}

describe('CloudChangePoller against a tenant that misbehaves', () => {
  it('a listing whose next link comes back again ends the poll with ERR_PROTOCOL', async () => {
    const tenant = endlessTenant(true);
    const error = await new CloudChangePoller(tenant.client, undefined).poll().catch((e: unknown) => e);
    expect(isQixflowError(error) && error.code).toBe('ERR_PROTOCOL');
    expect(tenant.requests()).toBe(2);
  });

  it('a listing that never ends is cut at 10 000 pages with ERR_PROTOCOL, not followed forever', async () => {
    const tenant = endlessTenant(false);
    const error = await new CloudChangePoller(tenant.client, undefined).poll().catch((e: unknown) => e);
    expect(isQixflowError(error) && error.code).toBe('ERR_PROTOCOL');
    expect((error as Error).message).toMatch(/items listing does not end \(10000 pages\)/);
    expect(tenant.requests()).toBe(10_000);
  });
});
