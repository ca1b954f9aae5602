/**
 * Engine figures: requests per second for EngineVersion and GetLayout (a sheet-sized object of the
 * demo site) over one socket and over 50 sockets, side by side with a bare `ws` server that does
 * the same JSON-RPC round trips with canned answers of the same size — the ratio is the engine's
 * own cost per request.
 */
import { measure, type Row } from '../lib/measure.js';
import { RpcClient } from '../lib/rpc-client.js';
import { startServer } from '../lib/start-server.js';

const APP = '5b7e0c93-2f1a-4d8e-a6c4-9e3b2d1f0a57'; // Sales Dashboard
const IN_FLIGHT = 16;

interface Target {
  name: string;
  /** Opens a socket ready for the scenario: returns the client and the handle to lay out. */
  open(n: number): Promise<{ client: RpcClient; layoutHandle: number }>;
}

export async function engineSuite(scale: number): Promise<Row[]> {
  const perScenario = Math.round(20_000 * scale);
  const sim = await startServer({ kind: 'simulator', options: { site: 'demo', https: false, virtualProxies: [] } });
  const engineUrl = sim.engineUrl ?? '';

  // Take the real answers once, so the echo server sends the same bytes.
  const probe = await RpcClient.open(`${engineUrl}/app/${APP}/identity/probe`);
  await probe.call(-1, 'OpenDoc', [APP]);
  const infos = ((await probe.call(1, 'GetAllInfos')).result as { qInfos: { qId: string; qType: string }[] }).qInfos;
  const sheetId = infos.find((i) => i.qType === 'sheet')?.qId ?? '';
  const sheet = (await probe.call(1, 'GetObject', [sheetId])).result as { qReturn: { qHandle: number } };
  const answers = {
    EngineVersion: (await probe.call(-1, 'EngineVersion')).result,
    GetLayout: (await probe.call(sheet.qReturn.qHandle, 'GetLayout')).result,
  };
  probe.close();
  const echo = await startServer({ kind: 'ws-echo', answers });

  const targets: Target[] = [
    {
      name: 'bare ws echo',
      open: async () => ({ client: await RpcClient.open(echo.url), layoutHandle: 2 }),
    },
    {
      name: 'qixflow-sim engine',
      open: async (n) => {
        const client = await RpcClient.open(`${engineUrl}/app/${APP}/identity/bench-${n}-${Math.random()}`);
        await client.call(-1, 'OpenDoc', [APP]);
        const found = (await client.call(1, 'GetObject', [sheetId])).result as { qReturn: { qHandle: number } };
        return { client, layoutHandle: found.qReturn.qHandle };
      },
    },
  ];

  const rows: Row[] = [];
  try {
    for (const sockets of [1, 50]) {
      for (const method of ['EngineVersion', 'GetLayout'] as const) {
        const scenario = `${method} over ${sockets} socket${sockets > 1 ? 's' : ''}`;
        for (const target of targets) {
          const opened = await Promise.all(Array.from({ length: sockets }, (_, n) => target.open(n)));
          const call = (i: number): Promise<void> => {
            const { client, layoutHandle } = opened[i % sockets] ?? (opened[0] as (typeof opened)[number]);
            return client.call(method === 'EngineVersion' ? -1 : layoutHandle, method).then(() => undefined);
          };
          await measure(Math.min(2000, perScenario), IN_FLIGHT * Math.min(sockets, 4), call); // warm-up
          const rate = await measure(perScenario, IN_FLIGHT * Math.min(sockets, 4), call);
          rows.push({
            scenario,
            subject: target.name,
            rate,
            ...(target.name === 'bare ws echo' ? {} : { baseline: 'bare ws echo' }),
            extra: method === 'GetLayout' ? `${JSON.stringify(answers.GetLayout).length} B answer` : '',
          });
          for (const o of opened) o.client.close();
        }
      }
    }
  } finally {
    await sim.stop();
    await echo.stop();
  }
  return rows;
}
