import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { configIssues, formatConfigIssue, qixflowConfigSchema } from '@qixflow/core';
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import { CliError } from '../cli-error.js';
import { type Context, type QixflowContexts, qixflowContextsSchema } from '../generated/contexts-schema.js';

/** A context as commands see it: its name and what the file holds. */
export interface NamedContext extends Context {
  readonly name: string;
}

/** Where the contexts file lives and how to read it. */
export interface ContextsFileOptions {
  /** The environment (`QIXFLOW_CONTEXTS_FILE`, `XDG_CONFIG_HOME`, `APPDATA`, `HOME`). */
  env: Record<string, string | undefined>;
  /** Defaults to `process.platform`. */
  platform?: NodeJS.Platform;
}

/**
 * The contexts file: `QIXFLOW_CONTEXTS_FILE` when set, else `contexts.json` in the user's config
 * folder — `$XDG_CONFIG_HOME/qixflow` (default `~/.config/qixflow`) on Linux and other Unixes,
 * `~/Library/Application Support/qixflow` on macOS, `%APPDATA%\qixflow` on Windows.
 *
 * @example
 * ```ts
 * contextsFilePath({ env: process.env }); // '/home/alice/.config/qixflow/contexts.json'
 * ```
 */
export function contextsFilePath(options: ContextsFileOptions): string {
  const { env } = options;
  const explicit = env.QIXFLOW_CONTEXTS_FILE;
  if (explicit !== undefined && explicit !== '') return explicit;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  switch (options.platform ?? process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'qixflow', 'contexts.json');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'qixflow', 'contexts.json');
    default: {
      const base = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : undefined;
      return join(base ?? join(home, '.config'), 'qixflow', 'contexts.json');
    }
  }
}

const EMPTY: QixflowContexts = { version: 1, contexts: {} };

let validator: ((value: unknown) => ErrorObject[]) | undefined;

// Compiled on first use: `qixflow --help` must not pay for it.
function schemaErrors(value: unknown): ErrorObject[] {
  if (validator === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addSchema(qixflowConfigSchema as AnySchemaObject, 'qixflow.config.schema.json');
    const validate = ajv.compile(qixflowContextsSchema as AnySchemaObject);
    validator = (candidate) => (validate(candidate) ? [] : [...(validate.errors ?? [])]);
  }
  return validator(value);
}

/**
 * Checks a parsed contexts file against `schemas/qixflow.contexts.schema.json`. A context's site
 * is described with core's own messages (`contexts.prod.site.auth.userId is required`).
 *
 * @returns the problems, one sentence each; empty when the file is valid.
 */
export function contextsFileProblems(value: unknown): string[] {
  const errors = schemaErrors(value);
  if (errors.length === 0) return [];
  const problems = new Set<string>();
  const sites = new Set<string>();
  for (const error of errors) {
    const site = /^\/contexts\/([^/]+)\/site(?:\/|$)/.exec(error.instancePath);
    if (site !== null) {
      sites.add(decodePointer(site[1] ?? ''));
      continue;
    }
    // A $ref into the config schema reports from inside it: the site itself is the problem.
    problems.add(`${pathOf(error.instancePath)} ${errorText(error)}`);
  }
  const contexts = isRecord(value) && isRecord(value.contexts) ? value.contexts : {};
  for (const name of sites) {
    const context = contexts[name];
    const site = isRecord(context) ? context.site : undefined;
    for (const issue of configIssues(site)) problems.add(formatConfigIssue(issue, `contexts.${name}.site`));
  }
  return [...problems];
}

/**
 * Reads the contexts file; a missing file is an empty one.
 *
 * @throws CliError `ERR_CONFIG` (exit 2) naming the file when it is unreadable, not JSON, or does
 * not match the schema.
 */
export async function readContextsFile(path: string): Promise<QixflowContexts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
    throw new CliError('ERR_CONFIG', `cannot read the contexts file ${path} (${(error as Error).message})`, {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError('ERR_CONFIG', `the contexts file ${path} is not valid JSON`, {
      fix: `fix it by hand, or delete it and add the contexts again with 'qixflow context add'`,
    });
  }
  const problems = contextsFileProblems(parsed);
  if (problems.length > 0) {
    throw new CliError('ERR_CONFIG', `the contexts file ${path} is invalid: ${problems.join('; ')}`, {
      fix: `fix it by hand (schema: schemas/qixflow.contexts.schema.json), or remove the context with 'qixflow context rm'`,
    });
  }
  return parsed as QixflowContexts;
}

/**
 * Writes the contexts file atomically (a private temporary file renamed over it), mode 0600 in a
 * 0700 folder. Refuses to write through a symbolic link.
 */
export async function writeContextsFile(path: string, contexts: QixflowContexts): Promise<void> {
  const problems = contextsFileProblems(contexts);
  if (problems.length > 0)
    throw new CliError('ERR_CONFIG', `not writing an invalid contexts file: ${problems.join('; ')}`);
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const existing = await lstat(path).catch(() => undefined);
  if (existing?.isSymbolicLink() === true) {
    throw new CliError('ERR_CONFIG', `the contexts file ${path} is a symbolic link: not writing through it`, {
      fix: 'remove the link, or point QIXFLOW_CONTEXTS_FILE at a regular file',
    });
  }
  const temporary = join(folder, `.contexts-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(contexts, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CliError('ERR_CONFIG', `cannot write the contexts file ${path} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/**
 * The context a connecting command uses: the one named (`--context` / `QIXFLOW_CONTEXT`), else
 * the current one, else none.
 *
 * @throws CliError `ERR_CONFIG` when a named context does not exist (listing the ones that do).
 */
export function selectContext(
  contexts: QixflowContexts,
  name: string | undefined,
  path: string,
): NamedContext | undefined {
  const wanted = name ?? contexts.current;
  if (wanted === undefined) return undefined;
  const context = contexts.contexts[wanted];
  if (context === undefined) {
    const known = Object.keys(contexts.contexts);
    throw new CliError('ERR_CONFIG', `no context named "${wanted}" in ${path}`, {
      fix:
        known.length === 0
          ? `add one with 'qixflow context add ${wanted} --host … --key-file …'`
          : `known contexts: ${known.join(', ')} ('qixflow context ls')`,
    });
  }
  return { name: wanted, ...context };
}

function pathOf(pointer: string): string {
  if (pointer === '') return 'the file';
  return pointer.split('/').slice(1).map(decodePointer).join('.');
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function errorText(error: ErrorObject): string {
  if (error.keyword === 'additionalProperties') {
    return `has an unknown option "${String((error.params as { additionalProperty?: string }).additionalProperty)}"`;
  }
  if (error.keyword === 'propertyNames' || error.keyword === 'pattern') {
    return 'is not a valid context name (letters, digits, ".", "_" and "-", at most 64 characters)';
  }
  return error.message ?? 'is invalid';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
