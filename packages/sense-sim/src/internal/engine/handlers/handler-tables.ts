import { bookmarkDocHandlers, bookmarkHandlers } from './bookmark-handlers.js';
import { cubeModeHandlers } from './cube-mode-handlers.js';
import { dataDocHandlers, fieldHandlers, objectSelectionHandlers } from './data-handlers.js';
import { docHandlers } from './doc-handlers.js';
import { genericObjectHandlers } from './generic-object-handlers.js';
import { globalHandlers } from './global-handlers.js';
import type { HandlerTable } from './handler.js';
import type { HandlerContext } from './handler-context.js';
import { libraryHandlers } from './library-handlers.js';

/** Every implemented method, by interface type. Methods of the schema missing here answer "Not implemented". */
export function handlerTables(engine: HandlerContext): Readonly<Record<string, HandlerTable>> {
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
