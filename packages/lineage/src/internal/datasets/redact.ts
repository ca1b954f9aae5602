/** Removes credentials from a connection string (`password=…`, `pwd=…`, `XPassword is …`, `user:pw@`). */
export function redactConnectionString(text: string): string {
  return text
    .replace(
      /\b(password|pwd|passwd|secret|token|apikey|api_key|XPassword)(\s*(?:=|\bis\b)\s*)("[^"]*"|'[^']*'|[^;,)\]]*)/gi,
      (_m, key: string, sep: string) => `${key}${sep}***`,
    )
    .replace(/\/\/([^:/@\s]+):([^@/\s]+)@/g, '//$1:***@');
}
