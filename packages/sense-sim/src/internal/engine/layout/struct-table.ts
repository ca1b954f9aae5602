import type { EnumMember } from '../api/engine-api.js';

/** Value kinds a struct field can hold, as the engine schema types them. */
type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'any';

/** The element of an array field. */
interface ItemSpec {
  readonly type: FieldType;
  /** Struct name when the elements are structs. */
  readonly ref?: string;
}

/** One field of an engine struct (`src/generated/engine-structs.json`). */
export interface FieldSpec {
  readonly type: FieldType;
  /** Struct name when the field is a struct. */
  readonly ref?: string;
  /** Element spec when the field is an array. */
  readonly items?: ItemSpec;
  /** Enum name when the field is an enum string. */
  readonly enum?: string;
  /** Schema default; enum defaults may be given in their long form. */
  readonly default?: unknown;
}

/** An engine struct: its fields in schema order. */
interface StructSpec {
  readonly properties: Readonly<Record<string, FieldSpec>>;
}

/** The engine's structs and enums, generated from its OpenRPC schema. */
export interface StructTable {
  readonly structs: Readonly<Record<string, StructSpec>>;
  readonly enums: Readonly<Record<string, readonly EnumMember[]>>;
}
