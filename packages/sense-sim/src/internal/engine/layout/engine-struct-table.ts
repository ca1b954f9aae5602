import structsFile from '../../../generated/engine-structs.json' with { type: 'json' };
import type { StructTable } from './struct-table.js';

/**
 * The engine's structs and enums (`src/generated/engine-structs.json`, generated from its OpenRPC
 * schema). The JSON module's inferred literal type is replaced by the table type.
 */
export const engineStructTable: StructTable = structsFile as unknown as StructTable;
