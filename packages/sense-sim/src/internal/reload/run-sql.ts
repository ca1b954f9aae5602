import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ColumnBuilder } from '../data/column-builder.js';
import { ColumnTable } from './column-table.js';
import { readDataFile } from './read-data-file.js';
import type { Pacer } from './reload-budget.js';
import { ExecutionError } from './script-error.js';

/**
 * The simulator's database connections: a connection's tables are CSV files in
 * `<data>/db/<ConnectionName>/<schema.table>.csv`. This answers the `SELECT` subset load scripts
 * use against them — a column list (`*`, `col`, `col AS alias`, `t.col`) from one table; anything
 * else is a clear error, never a guess.
 */
export async function runSql(
  sql: string,
  databaseDir: string,
  connection: string,
  options: {
    pacer?: Pacer;
    /** Refuses a table file that lies outside the data folder (a symbolic link); `shownAs` is for messages. */
    contain?: (file: string, shownAs: string) => Promise<void>;
  } = {},
): Promise<ColumnTable> {
  const text = sql.replace(/\s+/g, ' ').trim().replace(/;$/, '');
  const match = /^SELECT (.+?) FROM ([^\s]+)(?: (?:AS )?([A-Za-z_]\w*))?$/i.exec(text);
  if (!match) {
    throw new ExecutionError(
      `SQL not supported by the simulator's ${connection} connection (only SELECT columns FROM one table): ${text.slice(0, 120)}`,
    );
  }
  const [, columns = '', tableName = ''] = match;
  const table = tableName.replace(/[[\]"`]/g, '');
  const file = await findTableFile(databaseDir, table);
  if (!file) throw new ExecutionError(`SQL error (${connection}): table '${table}' does not exist`);
  const shownAs = `${connection}: ${table}`;
  await options.contain?.(file, shownAs);
  const data = await readDataFile(
    file,
    { fileType: 'txt', labels: 'embedded', delimiter: ',' },
    { shownAs, ...(options.pacer ? { pacer: options.pacer } : {}) },
  );
  if (columns.trim() === '*') return data;
  const selected = columns.split(',').map((part) => {
    const column = /^\s*([\w."[\]`]+)(?:\s+AS\s+([\w"[\]`]+))?\s*$/i.exec(part);
    if (!column) throw new ExecutionError(`SQL not supported by the simulator: column '${part.trim()}'`);
    const source =
      (column[1] ?? '')
        .replace(/[[\]"`]/g, '')
        .split('.')
        .pop() ?? '';
    const index = data.fields.findIndex((f) => f.toLowerCase() === source.toLowerCase());
    if (index < 0) throw new ExecutionError(`SQL error (${connection}): invalid column name '${source}' in ${table}`);
    return { index, name: (column[2] ?? data.fields[index] ?? source).replace(/[[\]"`]/g, '') };
  });
  const out = new ColumnTable(selected.map((s) => s.name));
  const copies = selected.map((s, c) => {
    const from = data.columns[s.index] as ColumnBuilder;
    return { from, to: out.columns[c] as ColumnBuilder, map: ColumnBuilder.symbolMap(from) };
  });
  for (let r = 0; r < data.rowCount; r++) {
    for (const { from, to, map } of copies) to.pushFrom(from, r, map);
    if (options.pacer?.due()) await options.pacer.pause();
  }
  return out;
}

async function findTableFile(dir: string, table: string): Promise<string | undefined> {
  let files: string[];
  try {
    files = await readdir(dir);
  } catch {
    return undefined;
  }
  const wanted = [table, table.split('.').pop() ?? table].map((t) => `${t.toLowerCase()}.csv`);
  const found = files.find((f) => wanted.includes(f.toLowerCase()));
  return found ? join(dir, found) : undefined;
}
