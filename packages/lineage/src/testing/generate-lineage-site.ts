/**
 * Test support: a generated Qlik Sense site for the simulator (`@qixflow/sense-sim`), to exercise
 * lineage at scale. Not part of the lineage API proper; exported from `@qixflow/lineage/testing`.
 */

/** A generated object: properties with a qInfo, and children (a full property tree). */
export interface GeneratedObject {
  qProperty: { qInfo: { qId: string; qType: string }; [key: string]: unknown };
  qChildren: GeneratedObject[];
}

/** An app of the generated site (a subset of the simulator's app fixture, `schemas/sim-app.schema.json`). */
export interface GeneratedApp {
  id: string;
  name: string;
  stream?: string;
  owner: { userDirectory: string; userId: string };
  createdDate: string;
  modifiedDate: string;
  lastReloadTime: string;
  script: string;
  measures: { qInfo: { qId: string; qType: string }; [key: string]: unknown }[];
  objects: GeneratedObject[];
}

/**
 * A generated site: `createSimulator({ site })` accepts it (`schemas/sim-site.schema.json`). Plain
 * mutable JSON, like the simulator's fixture types.
 */
export interface GeneratedLineageSite {
  name: string;
  streams: { name: string }[];
  dataConnections: { name: string; type: string; connectionString: string }[];
  reloadTasks: { name: string; app: string }[];
  apps: GeneratedApp[];
}

/** Options of {@link generateLineageSite}. */
export interface GenerateLineageSiteOptions {
  /** Apps per QVD chain (extract → transform … → front end). Default 3. */
  readonly chainLength?: number;
  /** Rows each chain starts with (AUTOGENERATE). Default 5. */
  readonly rows?: number;
}

/** A GUID-shaped, deterministic app id. */
export function generatedAppId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

function script(chain: number, layer: number, last: boolean, rows: number): string {
  const dir = `lib://QVDs/generated/chain${chain}`;
  const lines = ['///$tab Main', `SET vDir = '${dir}';`, ''];
  if (layer === 0) {
    lines.push(
      'Data:',
      'LOAD',
      '    RecNo() as Id,',
      `    'C${chain}-' & RecNo() as Code,`,
      '    RecNo() * 10 as Value',
      `AUTOGENERATE ${rows};`,
    );
  } else {
    lines.push(
      'Data:',
      'LOAD',
      '    Id,',
      '    Code,',
      `    Value + ${layer} as Value,`,
      `    Value * ${layer} as Value${layer}`,
      `FROM [$(vDir)/layer${layer - 1}.qvd] (qvd);`,
    );
  }
  if (!last) lines.push('', `STORE Data INTO [$(vDir)/layer${layer}.qvd] (qvd);`, 'DROP TABLE Data;');
  return `${lines.join('\n')}\n`;
}

/**
 * A site with `n` apps in QVD chains: in each chain the first app generates rows (AUTOGENERATE) and
 * stores a QVD, each next app loads the previous QVD, derives a field and stores its own, and the
 * last app keeps its table as its model, with a master measure and a sheet whose KPI uses it. Reload
 * tasks list writers before readers, so the simulator's reload on start produces every app's data.
 * Scripts are tiny: starting a simulator on 300 of them takes a few seconds.
 *
 * @example
 * ```ts
 * import { createSimulator } from '@qixflow/sense-sim';
 * import { generateLineageSite } from '@qixflow/lineage/testing';
 *
 * const sim = await createSimulator({ site: generateLineageSite(300) });
 * ```
 */
export function generateLineageSite(n: number, options: GenerateLineageSiteOptions = {}): GeneratedLineageSite {
  if (!Number.isInteger(n) || n < 1)
    throw new TypeError(`generateLineageSite: n must be a positive integer, got ${String(n)}`);
  const chainLength = options.chainLength ?? 3;
  if (!Number.isInteger(chainLength) || chainLength < 1)
    throw new TypeError('generateLineageSite: options.chainLength must be a positive integer');
  const rows = options.rows ?? 5;
  const apps: (GeneratedApp & { layer: number })[] = [];
  for (let i = 0; i < n; i++) {
    const chain = Math.floor(i / chainLength);
    const layer = i % chainLength;
    const last = layer === chainLength - 1 || i === n - 1;
    const id = generatedAppId(i);
    const measureId = `m${i}`;
    apps.push({
      id,
      name: `Chain ${chain} layer ${layer}`,
      ...(last ? { stream: `Stream ${chain % 4}` } : {}),
      owner: { userDirectory: 'GEN', userId: `owner${chain % 7}` },
      createdDate: '2026-01-01T00:00:00.000Z',
      modifiedDate: '2026-01-02T00:00:00.000Z',
      lastReloadTime: '2026-01-03T00:00:00.000Z',
      script: script(chain, layer, last, rows),
      measures: last
        ? [
            {
              qInfo: { qId: measureId, qType: 'measure' },
              qMeasure: { qLabel: 'Total Value', qDef: 'Sum(Value)' },
              qMetaDef: { title: 'Total Value' },
            },
          ]
        : [],
      objects: last
        ? [
            {
              qProperty: {
                qInfo: { qId: `sheet${i}`, qType: 'sheet' },
                qMetaDef: { title: 'Overview' },
                cells: [{ name: `kpi${i}`, type: 'kpi' }],
              },
              qChildren: [
                {
                  qProperty: {
                    qInfo: { qId: `kpi${i}`, qType: 'kpi' },
                    visualization: 'kpi',
                    title: 'Value',
                    qHyperCubeDef: { qDimensions: [], qMeasures: [{ qLibraryId: measureId, qDef: {} }] },
                  },
                  qChildren: [],
                },
              ],
            },
          ]
        : [],
      layer,
    });
  }
  const ordered = [...apps].sort((a, b) => a.layer - b.layer || (a.id < b.id ? -1 : 1));
  return {
    name: `generated lineage site (${n} apps)`,
    streams: [0, 1, 2, 3].map((k) => ({ name: `Stream ${k}` })),
    dataConnections: [{ name: 'QVDs', type: 'folder', connectionString: 'qvd' }],
    reloadTasks: ordered.map((a) => ({ name: `Reload ${a.name}`, app: a.id })),
    apps: apps.map(({ layer: _layer, ...app }) => app),
  };
}
