import type { LineageFormat } from '@qixflow/lineage';
import { CliError } from '../cli-error.js';

/** Every format, in the order files are listed. */
export const LINEAGE_FORMATS: readonly LineageFormat[] = ['json', 'openlineage', 'html'];

/**
 * Parses `--format json,openlineage,html`.
 *
 * @throws CliError `ERR_USAGE` naming the unknown format.
 *
 * @example
 * ```ts
 * parseFormats('json,html'); // ['json', 'html']
 * ```
 */
export function parseFormats(value: string): LineageFormat[] {
  const formats = value
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  const unknown = formats.filter((f) => !(LINEAGE_FORMATS as readonly string[]).includes(f));
  if (unknown.length > 0 || formats.length === 0) {
    throw new CliError('ERR_USAGE', `--format: unknown format ${JSON.stringify(unknown.join(',') || value)}`, {
      fix: `use a comma-separated list of ${LINEAGE_FORMATS.join(', ')}`,
    });
  }
  return [...new Set(formats)] as LineageFormat[];
}
