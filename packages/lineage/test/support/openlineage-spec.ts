import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The official OpenLineage spec files (OpenLineage.json and facets/*.json), read from here (`OPENLINEAGE_SPEC_DIR` elsewhere). */
const SPEC_DIR = process.env.OPENLINEAGE_SPEC_DIR ?? '/work/shared/reference/openlineage/spec';

type AddFormats = (ajv: Ajv2020) => Ajv2020;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ??
  addFormatsModule) as unknown as AddFormats;

/** The `$id`s of the spec files, by file name (`OpenLineage.json`, `SchemaDatasetFacet.json` …). */
export function specIds(): Map<string, string> {
  const files = [
    join(SPEC_DIR, 'OpenLineage.json'),
    ...readdirSync(join(SPEC_DIR, 'facets'))
      .filter((f) => f.endsWith('.json'))
      .map((f) => join(SPEC_DIR, 'facets', f)),
  ];
  const out = new Map<string, string>();
  for (const file of files) {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string };
    out.set(file.split('/').pop() ?? file, schema.$id);
  }
  return out;
}

/**
 * A validator of events against the official schemas: the event against OpenLineage.json's
 * RunEvent (draft 2020-12, `$ref`s between the spec files resolved locally), and every facet with
 * a standard `_schemaURL` against the definition that URL points to. Returns the problems found.
 */
export function openLineageValidator(): (event: unknown) => string[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  for (const file of specIds().keys()) {
    const path = file === 'OpenLineage.json' ? join(SPEC_DIR, file) : join(SPEC_DIR, 'facets', file);
    ajv.addSchema(JSON.parse(readFileSync(path, 'utf8')) as object);
  }
  const show = (where: string, errors: ErrorObject[] | null | undefined) =>
    (errors ?? []).map((e) => `${where}${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  const runEvent = ajv.getSchema('https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent');
  if (!runEvent) throw new Error('RunEvent definition not found in the spec');
  return (event) => {
    const problems: string[] = [];
    if (!runEvent(event)) problems.push(...show('event', runEvent.errors));
    const visit = (value: unknown, path: string) => {
      if (value === null || typeof value !== 'object') return;
      const url = (value as { _schemaURL?: unknown })._schemaURL;
      if (typeof url === 'string' && url.startsWith('https://openlineage.io/spec/')) {
        const validate = ajv.getSchema(url);
        if (!validate) problems.push(`${path}: no schema for ${url}`);
        else if (!validate(value)) problems.push(...show(path, validate.errors));
      }
      for (const [k, v] of Object.entries(value)) visit(v, `${path}/${k}`);
    };
    visit(event, 'event');
    return problems;
  };
}
