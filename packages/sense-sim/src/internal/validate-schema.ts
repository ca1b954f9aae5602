import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { simAppSchema, simConfigSchema, simSiteSchema } from '../generated/schemas.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv,
) => Ajv;

let ajv: Ajv | undefined;

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    ajv.addSchema(simAppSchema as object, 'sim-app.schema.json');
    ajv.addSchema(simSiteSchema as object, 'sim-site.schema.json');
    ajv.addSchema(simConfigSchema as object, 'sim-config.schema.json');
  }
  return ajv;
}

const compiled = new Map<string, ValidateFunction>();

/** Names of the schemas the simulator validates against. */
export type SchemaName = 'sim-app.schema.json' | 'sim-site.schema.json' | 'sim-config.schema.json';

/**
 * Validates `value` against a schema; returns the list of problems ("where: what"), empty when valid.
 */
export function schemaProblems(schema: SchemaName, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    const found = instance().getSchema(schema);
    if (!found) throw new Error(`schema ${schema} is not registered`);
    validate = found;
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describe);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(root)' : error.instancePath;
  const allowed =
    error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` '${(error.params as { additionalProperty: string }).additionalProperty}'`
      : '';
  return `${where} ${error.message ?? 'is invalid'}${extra}${allowed}`;
}
