import type { Doc, Field, GenericObject, GenericObjectProperties, GenericVariable, Global } from '@qixflow/qix';

/**
 * The API objects rx *emits* (handles it acquired), typed from the engine schema by `@qixflow/qix`. What rx
 * *accepts* is only {@link QixApi}: any enigma.js object fits, typed or not.
 */

/** `Global` (handle -1). */
export type QixGlobal = Global;

/** `Doc`. */
export type QixDoc = Doc;

/** `GenericObject`, with the properties `P` it was created with (its layout is `LayoutOf<P>`). */
export type QixGenericObject<P extends GenericObjectProperties = GenericObjectProperties> = GenericObject<P>;

/** `Field` (`Doc.GetField`). Field handles cannot be restored after a resume: rx re-acquires them. */
export type QixField = Field;

/** `GenericVariable`. */
export type QixGenericVariable = GenericVariable;
