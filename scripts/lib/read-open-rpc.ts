import { access, readFile } from 'node:fs/promises';

/**
 * Reads the engine's OpenRPC description that lives beside the repository (`../shared/reference`).
 * When it is not there, a check (`--check`, CI on a plain clone) is skipped with a notice and a
 * generation fails: returns `undefined` in both cases, having said so and set the exit code.
 *
 * @example
 * ```ts
 * const rpc = await readOpenRpc<OpenRpc>('qix-api', OPENRPC_PATH, check);
 * if (rpc !== undefined) generate(rpc);
 * ```
 */
export async function readOpenRpc<T>(generator: string, path: string, check: boolean): Promise<T | undefined> {
  const found = await access(path).then(
    () => true,
    () => false,
  );
  if (found) return JSON.parse(await readFile(path, 'utf8')) as T;
  const message = `${generator}: ${path} not found (it lives beside the repository, in ../shared/reference)`;
  if (check) {
    console.log(`${message}; skipping the check`);
  } else {
    console.error(message);
    process.exitCode = 1;
  }
  return undefined;
}
