import { bookmarkDocHandlers, bookmarkHandlers } from './bookmark-handlers.js';
import { cubeModeHandlers } from './cube-mode-handlers.js';
import { dataDocHandlers, fieldHandlers, objectSelectionHandlers } from './data-handlers.js';
import { docHandlers } from './doc-handlers.js';
import { genericObjectHandlers } from './generic-object-handlers.js';
import { globalHandlers } from './global-handlers.js';
import type { Handler, HandlerTables } from './handler.js';
import type { HandlerContext } from './handler-context.js';
import { libraryHandlers } from './library-handlers.js';

/** Every implemented method, by interface type. Methods of the schema missing here answer "Not implemented". */
export function handlerTables(engine: HandlerContext): HandlerTables {
  const library = libraryHandlers();
  return {
    Global: globalHandlers(engine),
    Doc: { ...docHandlers(engine), ...dataDocHandlers(engine), ...bookmarkDocHandlers() },
    GenericObject: { ...genericObjectHandlers(), ...objectSelectionHandlers(), ...cubeModeHandlers() },
    Field: fieldHandlers(),
    ...library,
    GenericBookmark: { ...library.GenericBookmark, ...bookmarkHandlers() },
  };
}

/**
 * The handlers of an interface as the connection calls them: by the request's method name, with the arguments
 * normalizeParams made of its params. The one place the schema types are erased; sound because the types
 * (`engine-signatures.ts`) and the normalizer's table (`engine-methods.json`) are generated from the same
 * parameter list, and the connection calls a handler only with the normalizer's output for its method.
 */
export function handlersByName(tables: HandlerTables, qType: string): Readonly<Record<string, Handler>> | undefined {
  const erased = tables as Readonly<Record<string, Readonly<Record<string, Handler>> | undefined>>;
  return erased[qType];
}
