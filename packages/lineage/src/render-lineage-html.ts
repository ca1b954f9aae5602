import type { LineageGraph } from './generated/lineage-graph.js';
import { viewerScript } from './internal/html/viewer-script.js';
import { graphJsonChunks } from './write-graph-json.js';

/** Options of {@link renderLineageHtml}. */
export interface LineageHtmlOptions {
  /** Page title. Default "Qlik Sense lineage". */
  readonly title?: string;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `*{box-sizing:border-box}body{margin:0;font:14px system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;height:100vh;display:flex;flex-direction:column}
header{display:flex;gap:10px;align-items:center;padding:8px 12px;background:#263238;color:#fff;position:relative}header h1{font-size:16px;margin:0 10px 0 0;white-space:nowrap}
header button{font:inherit;padding:4px 10px;border-radius:4px;border:0;background:#455a64;color:#fff;cursor:pointer}
#search{width:340px;padding:6px 8px;border-radius:4px;border:0;font:inherit}#status,#summary{opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;min-width:0}#status{flex:1}#summary{flex:none}
#results{position:absolute;top:42px;left:12px;z-index:2;list-style:none;margin:0;padding:4px;background:#fff;color:#222;border:1px solid #ccc;border-radius:4px;box-shadow:0 2px 8px #0003;max-width:560px}
#results button{display:block;width:100%;text-align:left;background:none;color:#222;border:0;padding:4px 6px;font:inherit;cursor:pointer}#results button:hover{background:#e3f2fd}
#main{flex:1;display:flex;min-height:0}#graph{flex:1;min-width:0;background:#fafafa;overflow:hidden;cursor:grab}
aside{width:260px;overflow:auto;border-left:1px solid #ddd;padding:8px 12px}#filters label{display:block;white-space:nowrap;line-height:1.6}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 2px 0 4px}
#details h2{font-size:15px;margin:12px 0 4px;word-break:break-all}#details h3{font-size:13px;margin:10px 0 2px}#details ul{margin:0;padding-left:16px}
#details pre{font-size:12px;white-space:pre-wrap;word-break:break-all;background:#f3f3f3;padding:6px}
#details button{font:inherit;margin:2px 4px 2px 0;padding:3px 8px;cursor:pointer}#details button.link{border:0;background:none;color:#1565c0;padding:0;text-decoration:underline}
.legend{font-size:13px;color:#555;margin-top:8px}.legend b.up{color:#e65100}.legend b.down{color:#1565c0}.legend b.path{color:#f57f17}
svg text{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;fill:#222}
g.node{cursor:pointer}g.node rect.box{fill:#fff;stroke:#90a4ae;stroke-width:1.2}g.node text.label{font-size:15px;font-weight:600}
g.node text.detail{font-size:13px;fill:#546e7a}g.node text.row{font-size:13px;fill:#37474f}g.node text.column:hover,g.node text.field:hover{fill:#1565c0;text-decoration:underline}
g.node.group rect.box{fill:#eceff1;stroke-dasharray:5 3}g.node.more rect.box{fill:#f5f5f5;stroke-dasharray:2 3}
g.node.up rect.box{fill:#fff3e0;stroke:#ef6c00}g.node.down rect.box{fill:#e3f2fd;stroke:#1565c0}g.node.side rect.box{fill:#f1f8e9}
g.node.focus rect.box{stroke:#d50000;stroke-width:3}g.node.selected rect.box{stroke:#263238;stroke-width:3}
svg.select-mode g.node:not(.selected):not(.hl-up):not(.hl-down){opacity:.35}svg.select-mode path.edge:not(.lit){opacity:.25}g.node.hl-up rect.box{fill:#fff3e0;stroke:#ef6c00}g.node.hl-down rect.box{fill:#e3f2fd;stroke:#1565c0}path.edge.lit{stroke:#546e7a;stroke-width:2.5}
svg.path-mode g.node:not(.on-path){opacity:.35}svg.path-mode path.edge:not(.on-path){opacity:.25}
g.node.on-path rect.box{stroke:#f57f17;stroke-width:3}g.node text.row.on-path{fill:#e65100;font-weight:600}
path.edge{stroke:#90a4ae;stroke-width:1.5}path.edge.transitive{stroke-dasharray:6 4}path.edge.on-path{stroke:#ef6c00;stroke-width:3}
text.edge-count{font-size:12px;fill:#37474f;text-anchor:middle;paint-order:stroke;stroke:#fafafa;stroke-width:3px}`;

/** The page around streamed graph JSON: head, then the data chunks, then the viewer script. */
export async function* lineageHtmlChunks(
  graphJson: AsyncIterable<string>,
  options: LineageHtmlOptions = {},
): AsyncGenerator<string, void, undefined> {
  const title = escapeHtml(options.title ?? 'Qlik Sense lineage');
  const script = (await viewerScript()).replace(/<\/(script)/gi, '<\\/$1');
  yield `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head>\n`;
  yield `<body><header><h1>${title}</h1><input id="search" type="search" placeholder="Search apps, datasets, columns; Enter focuses" autocomplete="off"><ul id="results" hidden></ul><button id="overview" type="button">Overview</button><span>Depth <button id="depth-down" type="button">−</button> <span id="depth">2</span> <button id="depth-up" type="button">+</button></span><span id="status"></span><span id="summary"></span></header>\n`;
  yield '<div id="main"><div id="graph"></div><aside><strong>Show</strong><div id="filters"></div><div class="legend">One node per app and per dataset. Focus: <b class="up">upstream</b> orange, <b class="down">downstream</b> blue (of the focus or the clicked node); a column\'s <b class="path">path</b> in amber. Dashed edges skip hidden kinds. Drag to pan, wheel to zoom, double-click to focus.</div><div id="details"></div></aside></div>\n';
  yield '<script type="application/json" id="lineage-data">';
  // `<` only occurs inside JSON strings, where \u003c means the same: the data cannot end the element.
  for await (const chunk of graphJson) yield chunk.replace(/</g, '\\u003c');
  yield '</script>\n<script>';
  yield script;
  yield '</script></body></html>\n';
}

/**
 * A self-contained HTML page that draws the graph entity-centric (one node per app and per physical
 * dataset, laid out by dagre, all bundled inline: the page loads nothing from anywhere): a site
 * overview grouped to stay legible, search and focus with N-hop expansion, a dataset's columns and a
 * column's path end to end, kind filters with transitive edges, and deep links
 * (`#focus=<node>&depth=2&field=<column>`).
 *
 * @example
 * ```ts
 * await writeFile('lineage.html', await renderLineageHtml(graph, { title: 'Sales lineage' }));
 * ```
 */
export async function renderLineageHtml(graph: LineageGraph, options: LineageHtmlOptions = {}): Promise<string> {
  if (graph === null || typeof graph !== 'object' || !Array.isArray(graph.nodes)) {
    throw new TypeError('renderLineageHtml: graph must be a lineage graph ({ nodes, edges, apps })');
  }
  let html = '';
  for await (const chunk of lineageHtmlChunks(graphJsonChunks(graph), options)) html += chunk;
  return html;
}
