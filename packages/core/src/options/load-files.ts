import { readFile as fsReadFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { QixflowError } from '../errors.js';
import type { QixflowConfig, Tls } from '../generated/config-schema.js';
import { fileErrorReason } from './file-error-reason.js';
import { formatConfigPath } from './validate-config.js';

/** Options of {@link readConfigFiles}. */
export interface ReadConfigFilesOptions {
  /** Relative paths are resolved against it. Default `process.cwd()`. */
  baseDir?: string;
  /** What to call the config in messages. Default `options`. */
  where?: string;
  /** Reads a file as UTF-8 text (injectable for tests). Default `fs.promises.readFile`. */
  readFile?: (path: string) => Promise<string>;
}

// Each `tls` file option and the inline option its content replaces.
const TLS_FILE_OPTIONS = [
  ['caFile', 'ca'],
  ['certFile', 'cert'],
  ['keyFile', 'key'],
] as const;

/**
 * Replaces `auth.privateKeyFile`, `tls.caFile`, `tls.certFile` and `tls.keyFile` by the content of
 * those files (`privateKey`, `ca`, `cert`, `key`), reading them in parallel. Returns a new object;
 * `config` is not modified. Expects a validated config (see `validateConfig`).
 *
 * @throws QixflowError `ERR_OPTIONS_INVALID` naming the option and the path of every file that is
 * missing, unreadable or empty (never its content).
 *
 * @example
 * ```ts
 * const config = await readConfigFiles(validateConfig(json), { baseDir: dirname(configPath) });
 * config.auth.kind === 'jwt' && config.auth.privateKey; // the PEM text
 * ```
 */
export async function readConfigFiles(
  config: QixflowConfig,
  options: ReadConfigFilesOptions = {},
): Promise<QixflowConfig> {
  const baseDir = options.baseDir ?? process.cwd();
  const where = options.where ?? 'options';
  const read = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  type Problem = { message: string; cause?: unknown };

  /** Reads one `…File` option and hands its content to `assign`; returns the problem otherwise. */
  const load = async (
    [section, fileKey, contentKey]: readonly [section: 'auth' | 'tls', fileKey: string, contentKey: string],
    path: string,
    inlineToo: boolean,
    assign: (content: string) => void,
  ): Promise<Problem | undefined> => {
    const option = formatConfigPath([section, fileKey], where);
    if (inlineToo) {
      return { message: `${option} cannot be combined with ${formatConfigPath([section, contentKey], where)}` };
    }
    const absolute = resolve(baseDir, path);
    const shown = absolute === path ? `"${path}"` : `"${path}" (${absolute})`;
    let content: string;
    try {
      content = await read(absolute);
    } catch (error) {
      return { message: `${option}: cannot read ${shown} (${fileErrorReason(error)})`, cause: error };
    }
    if (content.trim() === '') return { message: `${option}: ${shown} is empty` };
    assign(content);
    return undefined;
  };

  const auth = { ...config.auth };
  const tls: Tls | undefined = config.tls === undefined ? undefined : { ...config.tls };
  // Read in parallel; Promise.all keeps the problems in this fixed order, whatever finishes first.
  const tasks: Promise<Problem | undefined>[] = [];
  if ((auth.kind === 'jwt' || auth.kind === 'cloud-jwt') && auth.privateKeyFile !== undefined) {
    const withKey = auth;
    tasks.push(
      load(['auth', 'privateKeyFile', 'privateKey'], auth.privateKeyFile, auth.privateKey !== undefined, (c) => {
        withKey.privateKey = c;
        delete withKey.privateKeyFile;
      }),
    );
  }
  for (const [fileKey, contentKey] of TLS_FILE_OPTIONS) {
    const path = tls?.[fileKey];
    if (tls === undefined || path === undefined) continue;
    tasks.push(
      load(['tls', fileKey, contentKey], path, tls[contentKey] !== undefined, (c) => {
        tls[contentKey] = c;
        delete tls[fileKey];
      }),
    );
  }

  const problems = (await Promise.all(tasks)).filter((p): p is Problem => p !== undefined);
  if (problems.length > 0) {
    throw new QixflowError('ERR_OPTIONS_INVALID', problems.map((p) => p.message).join('; '), {
      cause: problems.find((p) => p.cause !== undefined)?.cause,
    });
  }
  const result: QixflowConfig = { ...config, auth };
  if (tls !== undefined) result.tls = tls;
  return result;
}
