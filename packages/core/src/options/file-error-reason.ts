/**
 * A short reason for a failed file read, from its errno code: `no such file`, `permission denied`.
 * Built from the code only, because some error messages quote what was being read.
 *
 * @example
 * ```ts
 * fileErrorReason(Object.assign(new Error(), { code: 'ENOENT' })); // 'no such file'
 * ```
 */
export function fileErrorReason(error: unknown): string {
  const code =
    typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
      ? error.code
      : undefined;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case undefined:
      return 'unreadable';
    default:
      return code;
  }
}
