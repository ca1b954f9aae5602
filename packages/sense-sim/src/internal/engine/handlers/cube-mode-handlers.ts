import type { PivotAxis } from '../../data/pivot-cube.js';
import { expandPivot, pivotPages, selectPivotCells, stackPages, treeNodes } from '../doc/cube-mode-views.js';
import { dep } from '../doc/dependency-keys.js';
import { objectOf } from './generic-object-handlers.js';
import type { Handler, LegacyHandlerTable } from './handler.js';

/** ExpandLeft(qPath, qRow, qCol, qAll) and its siblings: left axes name a data row, top axes a data column. */
function expansion(axis: PivotAxis, expanded: boolean): Handler {
  return (call, [path, row, col, all]) => {
    const { doc, found } = objectOf(call);
    const left = axis === 'left';
    expandPivot(doc, found, call.connection, {
      path: String(path),
      axis,
      index: Number(left ? row : col),
      level: Number(left ? col : row),
      expanded,
      all: all === true,
    });
    return {};
  };
}

/** The GenericObject methods of pivot, stacked and tree data cubes. */
export function cubeModeHandlers(): LegacyHandlerTable {
  return {
    GetHyperCubePivotData: (call, [path, pages]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: pivotPages(call.session, doc, found, String(path), pages) };
    },
    GetHyperCubeStackData: (call, [path, pages, maxCells]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: stackPages(call.session, doc, found, String(path), pages, maxCells) };
    },
    GetHyperCubeTreeData: (call, [path, options]) => {
      const { doc, found } = objectOf(call);
      return { qNodes: treeNodes(call.session, doc, found, String(path), options) };
    },
    SelectPivotCells: (call, [path, cells, softLock, deselectOnlyOne]) => {
      const { doc, found } = objectOf(call);
      const { state, changed } = selectPivotCells(call.session, doc, found, {
        path: String(path),
        cells,
        softLock: softLock === true,
        deselectOnlyOne: deselectOnlyOne === true,
      });
      if (changed) call.session.changed(dep.data(state === '' ? '$' : state));
      return { qSuccess: true };
    },
    ExpandLeft: expansion('left', true),
    CollapseLeft: expansion('left', false),
    ExpandTop: expansion('top', true),
    CollapseTop: expansion('top', false),
  };
}
