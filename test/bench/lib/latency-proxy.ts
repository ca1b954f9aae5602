import { connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP relay in front of a server that delays every chunk, each way. */
export interface LatencyProxy {
  /** `https://127.0.0.1:<port>` (the target's scheme, the relay's port). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Puts `oneWayMs` of latency on each direction of every connection to `target` (so a round trip
 * costs `2 × oneWayMs`), keeping the order of the bytes: what a client far from the site sees. TLS
 * passes through untouched.
 */
export async function startLatencyProxy(target: string, oneWayMs: number): Promise<LatencyProxy> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const relay = (from: Socket, into: Socket): void => {
    // Chunks leave in order, each `oneWayMs` after it arrived.
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const due = performance.now() + oneWayMs;
      chain = chain.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (!into.destroyed) into.write(chunk);
      });
    });
    from.on('end', () => void chain.then(() => into.end()));
    from.on('error', () => into.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(Number(to.port), to.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    }
    relay(client, upstream);
    relay(upstream, client);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${to.protocol}//127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
