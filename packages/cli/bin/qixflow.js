#!/usr/bin/env node
// The `qixflow` command. A built package runs dist/cli.js; in the workspace (no build) it runs the
// TypeScript sources through tsx with the `@qixflow/source` export condition, in a child process
// because export conditions can only be chosen when Node starts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli.js', import.meta.url);

if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  let tsx;
  try {
    tsx = import.meta.resolve('tsx');
  } catch {
    process.stderr.write(
      'error ERR_UNEXPECTED: qixflow is not built (no dist/cli.js) and tsx is not installed to run its sources\n' +
        '  fix: run `pnpm build` in the qixflow workspace, or install tsx\n',
    );
    process.exit(1);
  }
  const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [...process.execArgv, '--conditions=@qixflow/source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C in a terminal reaches the child too (same process group); a signal sent to this process
  // alone (kill, a test, a supervisor) is passed on. The child decides how to end.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.on('error', (error) => {
    process.stderr.write(`error ERR_UNEXPECTED: cannot start node: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal !== null) {
      // End the same way, so the parent shell sees the signal.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}
