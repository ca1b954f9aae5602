import type { PivotAxis } from '../../data/views/pivot-cube.js';
import { expandPivot, pivotPages, selectPivotCells, stackPages, treeNodes } from '../doc/cube-mode-views.js';
import { dep } from '../doc/dependency-keys.js';
import { objectOf } from './generic-object-handlers.js';
import type { HandlerTable, MethodHandler } from './handler.js';

/** ExpandLeft(qPath, qRow, qCol, qAll) and its siblings: left axes name a data row, top axes a data column. */
function expansion(axis: PivotAxis, expanded: boolean): MethodHandler<'GenericObject', 'ExpandLeft'> {
  return (call, [path, row, col, all]) => {
    const { doc, found } = objectOf(call);
    const left = axis === 'left';
    expandPivot(doc, found, call.connection, {
      path,
      axis,
      index: left ? row : col,
      level: left ? col : row,
      expanded,
      all,
    });
    return {};
  };
}

/** The GenericObject methods of pivot, stacked and tree data cubes. */
export function cubeModeHandlers(): HandlerTable<'GenericObject'> {
  return {
    GetHyperCubePivotData: (call, [path, pages]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: pivotPages(call.session, doc, found, path, pages) };
    },
    GetHyperCubeStackData: (call, [path, pages, maxCells]) => {
      const { doc, found } = objectOf(call);
      return { qDataPages: stackPages(call.session, doc, found, path, pages, maxCells) };
    },
    GetHyperCubeTreeData: (call, [path, options]) => {
      const { doc, found } = objectOf(call);
      return { qNodes: treeNodes(call.session, doc, found, path, options) };
    },
    SelectPivotCells: (call, [path, cells, softLock, deselectOnlyOne]) => {
      const { doc, found } = objectOf(call);
      const { state, changed } = selectPivotCells(call.session, doc, found, {
        path,
        cells,
        softLock,
        deselectOnlyOne,
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
