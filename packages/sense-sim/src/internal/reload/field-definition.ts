import type { DeclareField } from '@qixflow/script';
import type { Cell, Dual } from '../data/model/loaded-model.js';

/** A field definition made by DECLARE: what DERIVE applies to data fields. */
export interface FieldDefinition {
  readonly name: string;
  readonly tags: readonly string[];
  /** PARAMETERS (or WITH) values, computed when declared; the expressions read them by name. */
  readonly parameters: ReadonlyMap<string, Cell>;
  readonly fields: readonly DeclareField[];
}

/** What a DERIVE made: the fields of `definition` for the data field `field`, over the values it had then. */
export interface Derivation {
  readonly field: string;
  readonly definition: FieldDefinition;
  /** The field's distinct values when derived, and a row per value (the value, then each derived field's). */
  readonly values: readonly Dual[];
  readonly rows: readonly (readonly Cell[])[];
}
