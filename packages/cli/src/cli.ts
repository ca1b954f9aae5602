#!/usr/bin/env node
/**
 * Entry point of the `qixflow` command (run by bin/qixflow.js): runs the command line and exits
 * with its code.
 */
import { runCli } from './program.js';

// `qixflow apps | head`: a reader that goes away is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const code = await runCli(process.argv.slice(2));
process.exitCode = code;
// Everything the command opened is closed by now; a handle left behind (a keep-alive socket, a
// timer in a library) must not keep a finished command alive.
setTimeout(() => process.exit(code), 1000).unref();
