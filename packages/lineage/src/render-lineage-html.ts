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

const STYLE = `*{box-sizing:border-box}body{margin:0;font:13px system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222;height:100vh;display:flex;flex-direction:column}
header{display:flex;gap:12px;align-items:center;padding:8px 12px;background:#263238;color:#fff}header h1{font-size:15px;margin:0 12px 0 0}
#search{width:320px;padding:5px 8px;border-radius:4px;border:0}#status,#summary{opacity:.8}#summary{margin-left:auto}
#main{flex:1;display:flex;min-height:0}#graph{flex:1;min-width:0;background:#fafafa}
aside{width:340px;overflow:auto;border-left:1px solid #ddd;padding:8px 10px}#filters label{display:block;white-space:nowrap}
#details h2{font-size:14px;margin:12px 0 4px;word-break:break-all}#details pre{font-size:11px;white-space:pre-wrap;word-break:break-all;background:#f3f3f3;padding:6px}
.legend{font-size:11px;color:#555;margin-top:8px}`;

/** The page around streamed graph JSON: head, then the data chunks, then the viewer script. */
export async function* lineageHtmlChunks(
  graphJson: AsyncIterable<string>,
  options: LineageHtmlOptions = {},
): AsyncGenerator<string, void, undefined> {
  const title = escapeHtml(options.title ?? 'Qlik Sense lineage');
  const script = (await viewerScript()).replace(/<\/(script)/gi, '<\\/$1');
  yield `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title><style>${STYLE}</style></head>\n`;
  yield `<body><header><h1>${title}</h1><input id="search" type="search" placeholder="Search nodes (name or id), Enter selects" autocomplete="off"><span id="status"></span><span id="summary"></span></header>\n`;
  yield '<div id="main"><div id="graph"></div><aside><strong>Node kinds</strong><div id="filters"></div><div class="legend">Click a node: upstream in orange, downstream in blue. Dashed edges: confidence below 0.7.</div><div id="details"></div></aside></div>\n';
  yield '<script type="application/json" id="lineage-data">';
  // `<` only occurs inside JSON strings, where \u003c means the same: the data cannot end the element.
  for await (const chunk of graphJson) yield chunk.replace(/</g, '\\u003c');
  yield '</script>\n<script>';
  yield script;
  yield '</script></body></html>\n';
}

/**
 * A self-contained HTML page that draws the graph (cytoscape, bundled inline: the page loads nothing
 * from anywhere), with search, node-kind filters (field-level kinds start hidden) and
 * upstream/downstream highlighting of the clicked node.
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
