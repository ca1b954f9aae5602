import { describe, expect, it } from 'vitest';
import { type Logger, redactingLogger, redactTraffic, type TrafficEvent } from '../src/logger.js';

describe('redactingLogger', () => {
  it('redacts messages and fields before the wrapped logger sees them', () => {
    const lines: unknown[][] = [];
    const record =
      (level: string) =>
      (...args: unknown[]) =>
        lines.push([level, ...args]);
    const inner: Logger = {
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    };
    const logger = redactingLogger(inner);
    logger.warn('connect failed: Server=db1;UID=etl;PWD=x1', { token: 't-1', url: 'postgres://a:b@db1/x', n: 3 });
    logger.info('plain');
    expect(lines).toEqual([
      ['warn', 'connect failed: Server=db1;UID=***;PWD=***', { token: '***', url: 'postgres://***:***@db1/x', n: 3 }],
      ['info', 'plain'],
    ]);
  });
});

describe('redactTraffic', () => {
  it('redacts websocket frames as JSON, keeping them parseable', () => {
    const seen: TrafficEvent[] = [];
    const hook = redactTraffic((event) => seen.push(event));
    const frame = JSON.stringify({
      jsonrpc: '2.0',
      id: 3,
      result: { qScript: 'ODBC CONNECT TO [Sales;UID=etl;PWD=hun\\"ter2];\nLOAD * FROM t;' },
    });
    hook({ kind: 'ws', direction: 'received', url: 'wss://h/app/x?qlik-csrf-token=tok-99', data: frame });
    hook({ kind: 'http', direction: 'sent', method: 'GET', url: 'https://h/qrs/about?xrfkey=abcdefghijklmnop' });
    const ws = seen[0] as Extract<TrafficEvent, { kind: 'ws' }>;
    expect(ws.url).toBe('wss://h/app/x?qlik-csrf-token=***');
    expect(JSON.parse(ws.data)).toEqual({
      jsonrpc: '2.0',
      id: 3,
      result: { qScript: 'ODBC CONNECT TO [Sales;UID=***;PWD=***];\nLOAD * FROM t;' },
    });
    expect(seen[1]).toEqual({
      kind: 'http',
      direction: 'sent',
      method: 'GET',
      url: 'https://h/qrs/about?xrfkey=abcdefghijklmnop',
    });
  });

  it('hands a frame without secrets through unchanged', () => {
    const seen: TrafficEvent[] = [];
    const data = '{"jsonrpc":"2.0", "method":"GetLayout"}';
    redactTraffic((event) => seen.push(event))({ kind: 'ws', direction: 'sent', url: 'wss://h/app/x', data });
    expect((seen[0] as Extract<TrafficEvent, { kind: 'ws' }>).data).toBe(data);
  });
});

describe('createSite hooks', () => {
  it('hands its traffic hook the engine frames redacted (a load script with a password)', async () => {
    const { startSim, siteFor } = await import('./support/harness.js');
    const appId = '7e2d4c1b-9a8f-4e3d-b2c1-0f9e8d7c6b5a';
    const sim = await startSim({
      site: {
        apps: [
          {
            id: appId,
            name: 'with credentials',
            owner: { userDirectory: 'CORP', userId: 'alice' },
            script: 'ODBC CONNECT TO [Sales DSN;UID=etl;PWD=fr4me-s3cret];\nLOAD 1 as x AUTOGENERATE 1;\n',
          },
        ],
      },
      reloadOnStart: false,
    });
    const frames: string[] = [];
    const site = siteFor(sim, { onTraffic: (event) => frames.push(JSON.stringify(event)) });
    try {
      const script = await site.withApp(
        appId,
        async (doc) => await (doc as unknown as { getScript(): Promise<string> }).getScript(),
      );
      expect(script).toContain('fr4me-s3cret');
      const seen = frames.join('\n');
      expect(seen).toContain('[Sales DSN;UID=***;PWD=***]');
      expect(seen).not.toContain('fr4me-s3cret');
    } finally {
      await site.close();
      await sim.close();
    }
  });
});
