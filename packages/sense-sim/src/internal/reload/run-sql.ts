import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readSqlSelect, type SqlQuery } from '@qixflow/script';
import { ColumnBuilder } from '../data/model/column-builder.js';
import { ColumnTable } from './column-table.js';
import { readDataFile } from './read-data-file.js';
import type { Pacer } from './reload-budget.js';
import { ExecutionError } from './script-error.js';

/**
 * The simulator's database connections: a connection's tables are CSV files in
 * `<data>/db/<ConnectionName>/<schema.table>.csv`. This answers the `SELECT` subset load scripts
 * use against them — a column list (`*`, `col`, `col AS alias`, `t.col`) from one table; anything
 * else is a clear error, never a guess. The SELECT list is read by `readSqlSelect`, the table by the
 * script parser (`query.tables`), as lineage reads them.
 */
export async function runSql(
  query: Pick<SqlQuery, 'text' | 'tables'>,
  databaseDir: string,
  connection: string,
  options: {
    pacer?: Pacer;
    /** Refuses a table file that lies outside the data folder (a symbolic link); `shownAs` is for messages. */
    contain?: (file: string, shownAs: string) => Promise<void>;
  } = {},
): Promise<ColumnTable> {
  const read = readSqlSelect(query.text);
  const [from, ...more] = query.tables;
  if (!read || read.extras.length > 0 || !from || more.length > 0) {
    const text = query.text.replace(/\s+/g, ' ').trim();
    throw new ExecutionError(
      `SQL not supported by the simulator's ${connection} connection (only SELECT columns FROM one table): ${text.slice(0, 120)}`,
    );
  }
  const table = from.name;
  const file = await findTableFile(databaseDir, table);
  if (!file) throw new ExecutionError(`SQL error (${connection}): table '${table}' does not exist`);
  const shownAs = `${connection}: ${table}`;
  await options.contain?.(file, shownAs);
  const data = await readDataFile(
    file,
    { fileType: 'txt', labels: 'embedded', delimiter: ',' },
    { shownAs, ...(options.pacer ? { pacer: options.pacer } : {}) },
  );
  const [only] = read.items;
  if (read.items.length === 1 && only?.star && only.starOf === null) return data;
  const selected = read.items.map((item) => {
    const source = item.columns[0]?.name;
    if (item.star || !item.plain || source === undefined)
      throw new ExecutionError(`SQL not supported by the simulator: column '${item.text}'`);
    const index = data.fields.findIndex((f) => f.toLowerCase() === source.toLowerCase());
    if (index < 0) throw new ExecutionError(`SQL error (${connection}): invalid column name '${source}' in ${table}`);
    return { index, name: item.aliased ? item.name : (data.fields[index] ?? source) };
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
