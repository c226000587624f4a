import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and a real server (PostgreSQL, Redis), for fault tests: `cut()` drops
 * every connection and refuses (or, in "blackhole" mode, silently swallows) new ones; `restore()`
 * forwards again. The server behind it never notices anything but closed connections.
 */
export interface TcpProxy {
  port: number;
  cut(mode?: 'refuse' | 'blackhole'): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let mode: 'forward' | 'refuse' | 'blackhole' = 'forward';
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'refuse') return client.destroy();
    if (mode === 'blackhole') return; // accepted, never answered: the client must time out
    const upstream = connect(targetPort, targetHost);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    port,
    cut(cutMode = 'refuse') {
      mode = cutMode;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      mode = 'forward';
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
