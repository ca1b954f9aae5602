/**
 * Hosts the server under test in a child process of its own (started by `startServer` with
 * `isolate: 'process'`, pinned to its own core with `taskset` where available): its event loop,
 * heap and garbage collector never share a thread with the contenders', so client figures (time,
 * heap) are the client's. Talks to the parent over the IPC channel: `start` (with the spec, which
 * can be large) → `ready`; `stats` → the simulator's counters; `stop` → closes and exits.
 */
import { type HostedServer, hostServer, type ServerKind } from './server-host.js';

type Request = { type: 'start'; spec: ServerKind } | { type: 'stats'; id: number } | { type: 'stop' };

if (!process.send) throw new Error('run as a child process with an IPC channel');
const send = (message: unknown): void => {
  process.send?.(message);
};

let server: HostedServer | undefined;
process.on('message', (message: Request) => {
  if (message.type === 'start') {
    void hostServer(message.spec).then(
      (hosted) => {
        server = hosted;
        send({ type: 'ready', ready: hosted.ready });
      },
      (error: unknown) => send({ type: 'failed', message: String((error as Error)?.stack ?? error) }),
    );
  } else if (message.type === 'stats') {
    send({ type: 'stats', id: message.id, stats: server?.stats() });
  } else {
    void (server?.stop() ?? Promise.resolve()).then(() => process.exit(0));
  }
});
// The parent going away (a crashed bench) must not leave a simulator running.
process.on('disconnect', () => process.exit(0));
