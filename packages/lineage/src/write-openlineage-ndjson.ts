import { LineWriter } from './internal/util/line-writer.js';
import type { OpenLineageRunEvent } from './openlineage-types.js';

/**
 * Writes events as NDJSON (one JSON event per line), the format OpenLineage file transports and
 * `marquez` imports read.
 *
 * @example
 * ```ts
 * await writeOpenLineageNdjson(toOpenLineageEvents(graph), 'out/openlineage.ndjson');
 * ```
 */
export async function writeOpenLineageNdjson(events: readonly OpenLineageRunEvent[], file: string): Promise<void> {
  const out = new LineWriter(file);
  for (const e of events) await out.write(`${JSON.stringify(e)}\n`);
  await out.close();
}
