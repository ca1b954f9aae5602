import type { ChartContext } from '../expressions/chart-context.js';
import { asRecords, asText, type JsonRecord } from '../json-record.js';
import { HyperCubeData } from './hypercube-data.js';
import type { LibraryItems, NxCell } from './hypercube-shape.js';

/** One row of a straight cube over some of a definition's dimensions: its key, dimension and measure cells. */
export interface SubsetRow {
  /** The dimensions' element numbers joined with commas, in the order the cube was asked for. */
  readonly key: string;
  readonly dims: readonly NxCell[];
  readonly measures: readonly NxCell[];
}

/** The hypercube modes, as their short titles. */
export type CubeMode = 'S' | 'P' | 'K' | 'T' | 'D';

const MODES: Readonly<Record<string, CubeMode>> = {
  S: 'S',
  P: 'P',
  K: 'K',
  T: 'T',
  D: 'D',
  DATA_MODE_STRAIGHT: 'S',
  DATA_MODE_PIVOT: 'P',
  DATA_MODE_PIVOT_STACK: 'K',
  DATA_MODE_TREE: 'T',
  DATA_MODE_DYNAMIC: 'D',
  '0': 'S',
  '1': 'P',
  '2': 'K',
  '3': 'T',
  '4': 'D',
};

/**
 * The mode of a HyperCubeDef as its short title: the numeric const, the short title, the long name
 * and the `EQ_`-prefixed long name (the HELP examples send `EQ_DATA_MODE_PIVOT`) are all accepted.
 *
 * @example
 * cubeMode({ qMode: 'EQ_DATA_MODE_PIVOT' }); // 'P'
 */
export function cubeMode(def: Readonly<JsonRecord>): CubeMode {
  const raw = String(def.qMode ?? 'S').replace(/^EQ_/, '');
  return MODES[raw] ?? 'S';
}

/** The key of a set of element numbers (NULL is -2, as in the cells). */
export function elemKey(elems: readonly number[]): string {
  return elems.join(',');
}

/**
 * Straight cubes over subsets of one definition's dimensions, computed on demand and kept: what
 * pivot, stacked and tree data are built from. Each subset cube has every measure (or the given
 * ones), no zero/missing suppression (the caller decides which combinations exist), and rows sorted
 * by its dimensions in the order asked for, each by its own sort criteria — so children follow
 * their parents' order when the rows are walked.
 *
 * @example
 * const cubes = new SubsetCubes(def, ctx);
 * cubes.rows([0, 1]); // every (dim 0, dim 1) combination, sorted by dim 0 then dim 1
 * cubes.lookup([1]).get('3')?.measures[0]; // the first measure for element 3 of dim 1
 */
export class SubsetCubes {
  private readonly cache = new Map<string, SubsetRow[]>();
  private readonly lookups = new Map<string, Map<string, SubsetRow>>();
  private readonly cubes = new Map<string, HyperCubeData>();
  private readonly dimensionDefs: readonly JsonRecord[];

  constructor(
    private readonly def: Readonly<JsonRecord>,
    private readonly ctx: ChartContext,
    private readonly library?: LibraryItems,
  ) {
    this.dimensionDefs = asRecords(def.qDimensions);
  }

  /** Rows of the cube over `dims` (indices into qDimensions) with `measures` (the definition's when left out). */
  rows(dims: readonly number[], measures?: readonly JsonRecord[], cacheTag = ''): SubsetRow[] {
    const id = `${dims.join(',')}|${cacheTag}`;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const measureDefs = measures ?? asRecords(this.def.qMeasures);
    const cubeDef: JsonRecord = {
      ...this.def,
      qMode: 'S',
      qDimensions: dims.map((d) => this.dimensionDefs[d] ?? {}),
      qMeasures: measureDefs,
      qInterColumnSortOrder: [],
      qSuppressZero: false,
      qSuppressMissing: false,
      qInitialDataFetch: [],
    };
    const data = new HyperCubeData(cubeDef, this.ctx, this.library);
    if (!measures && cacheTag === '') this.cubes.set(dims.join(','), data);
    const width = dims.length + measureDefs.length;
    const matrix = data.page({ qLeft: 0, qTop: 0, qWidth: width, qHeight: data.rowCount() });
    const rows = matrix.map((cells) => {
      const dimCells = cells.slice(0, dims.length);
      return {
        key: elemKey(dimCells.map((cell) => cell.qElemNumber)),
        dims: dimCells,
        measures: cells.slice(dims.length),
      };
    });
    this.cache.set(id, rows);
    return rows;
  }

  /** The rows of the cube over `dims` by key (the dims are sorted ascending first: one cube per set). */
  lookup(dims: readonly number[]): Map<string, SubsetRow> {
    const sorted = [...dims].sort((a, b) => a - b);
    const id = sorted.join(',');
    let map = this.lookups.get(id);
    if (!map) {
      map = new Map(this.rows(sorted).map((row) => [row.key, row]));
      this.lookups.set(id, map);
    }
    return map;
  }

  /** The straight cube over `dims` (any order; one cube per set) with the definition's measures. */
  data(dims: readonly number[]): HyperCubeData {
    const sorted = [...dims].sort((a, b) => a - b);
    this.rows(sorted);
    return this.cubes.get(sorted.join(',')) as HyperCubeData;
  }

  /** The measure row for an assignment of element numbers to dimensions (undefined when the combination has no data). */
  find(assignment: ReadonlyMap<number, number>): SubsetRow | undefined {
    const dims = [...assignment.keys()].sort((a, b) => a - b);
    return this.lookup(dims).get(elemKey(dims.map((d) => assignment.get(d) as number)));
  }

  /** The definition's dimension titles' source: the field definition or label text of dimension `d`. */
  dimensionName(d: number): string {
    const def = this.dimensionDefs[d] ?? {};
    const inline = (def.qDef ?? {}) as JsonRecord;
    const fields = Array.isArray(inline.qFieldDefs) ? inline.qFieldDefs : [];
    return asText(fields[0]) || asText(def.qLibraryId) || `#${d}`;
  }
}
