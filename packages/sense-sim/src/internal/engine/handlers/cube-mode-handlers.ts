import type { PivotAxis } from '../../data/pivot-cube.js';
import { expandPivot, pivotPages, stackPages, treeNodes } from '../doc/cube-mode-views.js';
import { objectOf } from './generic-object-handlers.js';
import type { Handler, HandlerTable } from './handler.js';

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
export function cubeModeHandlers(): HandlerTable {
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
    ExpandLeft: expansion('left', true),
    CollapseLeft: expansion('left', false),
    ExpandTop: expansion('top', true),
    CollapseTop: expansion('top', false),
  };
}
