import type { SectionAccessData } from '../data/model/loaded-model.js';
import type { ScriptState } from './script-state.js';

/**
 * The section access the script loaded (`Section Access; LOAD … ; Section Application;`): every
 * table loaded in the access section and still held when the script ends, as one list of rows.
 * Qlik keeps section access in upper case — field names and values alike — so they are upper-cased
 * here; the data fields they reduce must be written in upper case to match. Nothing when the
 * script loaded no table in the access section. A BINARY load's section access is kept, before
 * the script's own rows.
 *
 * @example
 * // Section Access; LOAD * INLINE [ACCESS, USERID, REGION
 * //   USER, corp\alice, eu ]; Section Application;
 * sectionAccessOf(state);
 * // → { sectionAccess: { fields: ['ACCESS', 'USERID', 'REGION'], rows: [{ ACCESS: 'USER', USERID: 'CORP\\ALICE', REGION: 'EU' }] } }
 */
export function sectionAccessOf(state: ScriptState): { sectionAccess?: SectionAccessData } {
  const tables = state.tables.filter((t) => state.accessTables.has(t));
  const inherited = state.binaryAccess;
  if (tables.length === 0 && !inherited) return {};
  const fields: string[] = [...(inherited?.fields ?? [])];
  const rows: Record<string, string>[] = (inherited?.rows ?? []).map((row) => ({ ...row }));
  for (const table of tables) {
    const names = table.fields.map((f) => f.trim().toUpperCase());
    for (const name of names) if (!fields.includes(name)) fields.push(name);
    for (let r = 0; r < table.rowCount; r++) {
      const row: Record<string, string> = {};
      names.forEach((name, c) => {
        row[name] = (table.cell(r, c)?.text ?? '').trim().toUpperCase();
      });
      rows.push(row);
    }
  }
  return { sectionAccess: { fields, rows } };
}
