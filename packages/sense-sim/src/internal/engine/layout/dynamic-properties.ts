/** How the engine treats one of the `q…Def` keys it recognises anywhere in generic object properties. */
export interface DynamicProperty {
  /** Struct the value is read as (defaults filled, unknown keys kept). */
  readonly struct: string;
  /**
   * What the layout holds instead: a key for the computed counterpart, `'value'` when the object
   * holding the key is replaced by the evaluated expression, `'drop'` when it is left out.
   */
  readonly layout: { readonly key: string } | 'string-value' | 'number-value' | 'drop';
  /** The struct's single field an abbreviated string form (`"qStringExpression": "=…"`) stands for. */
  readonly abbreviates?: string;
}

/**
 * The `additionalProperties` of GenericObjectProperties / GenericObjectLayout in the engine schema.
 * The engine recognises these names at any depth, inside custom keys too: in the CTL full property
 * tree golden, `qUndoExclude.generated.qHyperCubeDef` comes back with defaults filled and
 * `thumbnail.qStaticContentUrlDef.qUrl: ""` comes back as `{}`.
 */
const DYNAMIC_PROPERTIES: Readonly<Record<string, DynamicProperty>> = {
  qAppObjectListDef: { struct: 'AppObjectListDef', layout: { key: 'qAppObjectList' } },
  qBookmarkListDef: { struct: 'BookmarkListDef', layout: { key: 'qBookmarkList' } },
  qChildListDef: { struct: 'ChildListDef', layout: { key: 'qChildList' } },
  qDimensionListDef: { struct: 'DimensionListDef', layout: { key: 'qDimensionList' } },
  qEmbeddedSnapshotDef: { struct: 'EmbeddedSnapshotDef', layout: { key: 'qEmbeddedSnapshot' } },
  qExtensionListDef: { struct: 'ExtensionListDef', layout: { key: 'qExtensionList' } },
  qFieldListDef: { struct: 'FieldListDef', layout: { key: 'qFieldList' } },
  qHyperCubeDef: { struct: 'HyperCubeDef', layout: { key: 'qHyperCube' } },
  // GenericObjectLayout has no counterpart for it: the client keeps there what must not reach layouts.
  qLayoutExclude: { struct: 'LayoutExclude', layout: 'drop' },
  qListObjectDef: { struct: 'ListObjectDef', layout: { key: 'qListObject' } },
  qMeasureListDef: { struct: 'MeasureListDef', layout: { key: 'qMeasureList' } },
  qMediaListDef: { struct: 'MediaListDef', layout: { key: 'qMediaList' } },
  qNxLibraryDimensionDef: { struct: 'NxLibraryDimensionDef', layout: { key: 'qNxLibraryDimension' } },
  qNxLibraryMeasureDef: { struct: 'NxLibraryMeasureDef', layout: { key: 'qNxLibraryMeasure' } },
  qSelectionObjectDef: { struct: 'SelectionObjectDef', layout: { key: 'qSelectionObject' } },
  qStaticContentUrlDef: { struct: 'StaticContentUrlDef', layout: { key: 'qStaticContentUrl' } },
  qStringExpression: { struct: 'StringExpression', layout: 'string-value', abbreviates: 'qExpr' },
  qTreeDataDef: { struct: 'TreeDataDef', layout: { key: 'qTreeData' } },
  qUndoInfoDef: { struct: 'UndoInfoDef', layout: { key: 'qUndoInfo' } },
  qValueExpression: { struct: 'ValueExpression', layout: 'number-value', abbreviates: 'qExpr' },
  qVariableListDef: { struct: 'VariableListDef', layout: { key: 'qVariableList' } },
};

/** The dynamic property named `key`, if it is one. */
export function dynamicProperty(key: string): DynamicProperty | undefined {
  return Object.hasOwn(DYNAMIC_PROPERTIES, key) ? DYNAMIC_PROPERTIES[key] : undefined;
}
