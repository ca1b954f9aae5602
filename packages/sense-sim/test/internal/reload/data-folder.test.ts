import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolder } from '../../../src/internal/reload/data-folder.js';

let root: string;
let folder: DataFolder;
const longName = `${'a'.repeat(200)}.csv`;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'qixflow-data-folder-'));
  await mkdir(join(root, 'files', 'in'), { recursive: true });
  for (const name of ['Sales_2023.CSV', 'sales_2024.csv', 'sales_20245.csv', 'notes.txt', longName]) {
    await writeFile(join(root, 'files', 'in', name), '');
  }
  folder = new DataFolder(root, [{ name: 'Files', type: 'folder', connectionString: 'files' }]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('FileList masks', () => {
  it('match * and ? case-insensitively and list names under the folder the script wrote', async () => {
    expect(await folder.list('lib://Files/in/SALES_????.csv')).toEqual([
      'lib://Files/in/Sales_2023.CSV',
      'lib://Files/in/sales_2024.csv',
    ]);
    expect(await folder.list('lib://files/in/*.TXT')).toEqual(['lib://files/in/notes.txt']);
    expect(await folder.list('lib://Files/in/*')).toHaveLength(5);
    expect(await folder.list('lib://Files/missing/*.csv')).toEqual([]);
  });

  it('answer an adversarial mask quickly', async () => {
    const started = performance.now();
    expect(await folder.list(`lib://Files/in/${'*a'.repeat(40)}*b.csv`)).toEqual([]);
    expect(await folder.list(`lib://Files/in/${'*a'.repeat(40)}*.csv`)).toEqual([`lib://Files/in/${longName}`]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('STORE', () => {
  it('creates the data folder of a site that has none, then the folders of the file', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'qixflow-no-data-folder-'));
    try {
      const fresh = new DataFolder(join(parent, 'data'), [{ name: 'QVDs', type: 'folder', connectionString: 'qvd' }]);
      const handle = await fresh.openForWrite('lib://QVDs/generated/chain0/layer0.qvd');
      await handle.writeFile('{}');
      await handle.close();
      expect(await readFile(join(parent, 'data', 'qvd', 'generated', 'chain0', 'layer0.qvd'), 'utf8')).toBe('{}');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
