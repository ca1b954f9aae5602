/**
 * What the engine may send for a struct: the schema makes every member optional (the engine leaves out members
 * holding their default), so a typed Doc (`@qixflow/qix`'s, which `@qixflow/core` hands out) promises no more.
 * Lineage fills in what it needs when it reads them.
 */
export type EngineWire<T> = T extends readonly (infer E)[]
  ? EngineWire<E>[]
  : T extends object
    ? { [K in keyof T]?: EngineWire<T[K]> }
    : T;

/**
 * The part of an enigma.js Doc that lineage extraction calls, typed after the engine schema. Any
 * enigma.js Doc (`@qixflow/qix`'s typed `Doc` from `@qixflow/core`, plain enigma.js, or an extension's
 * `enigmaModel`) fits.
 */
export interface LineageDoc {
  getAppLayout(): Promise<EngineAppLayout>;
  getScript(): Promise<string>;
  getLineage(): Promise<EngineLineageInfo[]>;
  getConnections(): Promise<EngineWire<EngineConnection>[]>;
  getTablesAndKeys(
    qWindowSize: { qcx: number; qcy: number },
    qNullSize: { qcx: number; qcy: number },
    qCellHeight: number,
    qSyntheticMode: boolean,
    qIncludeSysVars: boolean,
  ): Promise<{ qtr: EngineWire<EngineTableRecord>[]; qk: EngineWire<EngineSourceKeyRecord>[] }>;
  getIncludeFileContent(qPath: string): Promise<string>;
  getAllInfos(): Promise<EngineWire<EngineNxInfo>[]>;
  createSessionObject(qProp: {
    qInfo: { qId?: string; qType: string };
    [key: string]: unknown;
  }): Promise<LineageGenericObject>;
  destroySessionObject(qId: string): Promise<boolean>;
  getObject(qId: string): Promise<LineageGenericObject>;
}

/** The part of a GenericObject that lineage extraction calls. */
export interface LineageGenericObject {
  readonly id: string;
  getLayout(): Promise<Record<string, unknown>>;
  getFullPropertyTree(): Promise<EngineWire<EngineObjectEntry>>;
}

/** `NxAppLayout` (the fields lineage reads). */
interface EngineAppLayout {
  qTitle?: string;
  qLastReloadTime?: string;
  qHasData?: boolean;
  qIsOpenedWithoutData?: boolean;
}

/** `LineageInfo`: one source or sink of the last reload. Both fields may be absent when empty. */
export interface EngineLineageInfo {
  qDiscriminator?: string;
  qStatement?: string;
}

/** `Connection`. */
export interface EngineConnection {
  qId?: string;
  qName: string;
  qConnectionString?: string;
  qType?: string;
}

/** `FieldInTableData` (the fields lineage reads). */
interface EngineFieldInTable {
  qName: string;
  qKeyType?: string;
  qTags?: string[];
  qIsSynthetic?: boolean;
}

/** `TableRecord` (the fields lineage reads). */
export interface EngineTableRecord {
  qName: string;
  qLoose?: boolean;
  qNoOfRows?: number;
  qFields: EngineFieldInTable[];
  qComment?: string;
  qIsSynthetic?: boolean;
}

/** `SourceKeyRecord`. */
export interface EngineSourceKeyRecord {
  qKeyFields: string[];
  qTables: string[];
}

/** `NxInfo`. */
interface EngineNxInfo {
  qId: string;
  qType: string;
}

/** `GenericObjectEntry`: properties and children (a full property tree). */
export interface EngineObjectEntry {
  qProperty: Record<string, unknown> & { qInfo?: { qId?: string; qType?: string } };
  qChildren?: EngineObjectEntry[];
}
