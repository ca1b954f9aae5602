/**
 * Data engine figures (a baseline later work must not regress), through the engine's websocket
 * like any client: reload of a 1 000 000-row AUTOGENERATE, a hypercube of 3 dimensions × 2
 * measures over it, and a selection + recompute.
 */
import { measure, type Row } from '../lib/measure.js';
import { RpcClient } from '../lib/rpc-client.js';
import { startServer } from '../lib/start-server.js';

export async function dataSuite(scale: number): Promise<Row[]> {
  const rows = Math.max(10_000, Math.round(1_000_000 * scale));
  const sim = await startServer({
    kind: 'simulator',
    options: { https: false, virtualProxies: [], site: { apps: [] } },
  });
  const client = await RpcClient.open(`${sim.engineUrl}/app/engineData/identity/bench-data`);
  const out: Row[] = [];
  try {
    await client.call(-1, 'CreateSessionApp');
    const script = [
      'T: LOAD RecNo() as Id,',
      '  Mod(RecNo(), 100) as D1,',
      '  Mod(RecNo(), 7) as D2,',
      '  Chr(65 + Mod(RecNo(), 26)) as D3,',
      '  Round(Rand() * 100, 0.01) as M1,',
      '  Mod(RecNo(), 13) as M2',
      `AUTOGENERATE ${rows};`,
    ].join('\n');
    await client.call(1, 'SetScript', [script]);
    const reload = await measure(1, 1, async () => {
      const answer = await client.call(1, 'DoReload');
      if ((answer.result as { qReturn?: boolean }).qReturn !== true) throw new Error('reload failed');
    });
    out.push(rowsRow('reload: AUTOGENERATE with 6 fields', reload, rows));

    const created = await client.call(1, 'CreateSessionObject', [
      {
        qInfo: { qType: 'bench-cube' },
        qHyperCubeDef: {
          qDimensions: ['D1', 'D2', 'D3'].map((f) => ({ qDef: { qFieldDefs: [f] } })),
          qMeasures: [{ qDef: { qDef: 'Sum(M1)' } }, { qDef: { qDef: 'Avg(M2)' } }],
          qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: 5, qHeight: 200 }],
        },
      },
    ]);
    const cube = (created.result as { qReturn: { qHandle: number } }).qReturn.qHandle;
    let cells = 0;
    const layout = await measure(1, 1, async () => {
      const answer = await client.call(cube, 'GetLayout');
      cells = (answer.result as { qLayout: { qHyperCube: { qSize: { qcy: number } } } }).qLayout.qHyperCube.qSize.qcy;
    });
    out.push(rowsRow(`hypercube 3 dims × 2 measures (${cells} combinations)`, layout, rows));

    const field = (await client.call(1, 'GetField', ['D3'])).result as { qReturn: { qHandle: number } };
    const select = await measure(1, 1, async () => {
      await client.call(field.qReturn.qHandle, 'Select', ['A']);
      await client.call(cube, 'GetLayout');
    });
    out.push(rowsRow('select D3=A + recompute the hypercube', select, rows));
    const clear = await measure(1, 1, async () => {
      await client.call(1, 'ClearAll');
      await client.call(cube, 'GetLayout');
    });
    out.push(rowsRow('ClearAll + recompute the hypercube', clear, rows));
  } finally {
    client.close();
    await sim.stop();
  }
  return out;
}

function rowsRow(scenario: string, rate: Awaited<ReturnType<typeof measure>>, rows: number): Row {
  return {
    scenario,
    subject: 'qixflow-sim data engine',
    rate: { ...rate, perSecond: rows / rate.seconds },
    extra: `${rows.toLocaleString('en-US')} rows in ${(rate.seconds * 1000).toFixed(0)} ms (ops/s column = rows/s)`,
  };
}
