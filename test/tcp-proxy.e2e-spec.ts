import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { TcpProxy, cut } from './support/tcp-proxy';

// The proxy that test/database-outage.e2e-spec.ts cuts between the host and the database: a cut
// resets what it can and closes the rest, and leaves no connection behind, including one that is
// already closing. A connection left half-closed is a handle that keeps the test process from
// exiting after its last test.

/** A server on loopback, and its side of each connection, in order. */
async function listen(): Promise<{ server: Server; port: number; accepted: Socket[] }> {
  const accepted: Socket[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

/** What became of a socket: its error code, if any, once it has closed. */
function outcome(socket: Socket): Promise<{ error?: string }> {
  let error: string | undefined;
  socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code));
  return new Promise((resolve) => socket.on('close', () => resolve({ error })));
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms).unref())]);

describe('cutting a connection', () => {
  let listening: Awaited<ReturnType<typeof listen>>;
  let clients: Socket[] = [];
  const dial = async () => {
    const client = connect(listening.port, '127.0.0.1');
    clients.push(client);
    await new Promise((resolve) => client.once('connect', resolve));
    while (listening.accepted.length < clients.length) await new Promise((resolve) => setImmediate(resolve));
    return { client, accepted: listening.accepted[clients.length - 1] };
  };

  beforeEach(async () => {
    listening = await listen();
    clients = [];
  });
  afterEach(async () => {
    clients.forEach((client) => client.destroy());
    await new Promise((resolve) => listening.server.close(resolve));
  });

  it('resets an open connection: the other end gets ECONNRESET', async () => {
    const { client, accepted } = await dial();
    const seen = outcome(client);
    const closed = outcome(accepted);
    cut(accepted);
    expect(await within(seen, 5000, 'the other end saw the reset')).toEqual({ error: 'ECONNRESET' });
    expect(await within(closed, 5000, 'the socket closed')).toEqual({ error: undefined });
  });

  it('closes a connection whose end is under way, where a reset is refused', async () => {
    const { client, accepted } = await dial();
    client.resume();
    const seen = outcome(client);
    const closed = outcome(accepted);
    // Ends this side: Node starts the shutdown at once, and libuv cannot reset a socket then.
    accepted.end();
    cut(accepted);
    expect(await within(closed, 5000, 'the socket closed')).toEqual({ error: undefined });
    expect((await within(seen, 5000, 'the other end saw it close')).error).toBeUndefined();
  });
});

describe('the TCP proxy', () => {
  it('stop() closes every connection through it, those the client is ending too', async () => {
    const upstream = await listen();
    const proxy = await TcpProxy.start('127.0.0.1', upstream.port);
    try {
      const clients = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const client = connect(proxy.port, '127.0.0.1');
          client.on('error', () => undefined);
          await new Promise((resolve) => client.once('connect', resolve));
          return client;
        }),
      );
      while (proxy.connections < clients.length) await new Promise((resolve) => setImmediate(resolve));
      const closed = clients.map(outcome);
      // Half of them end their side as the proxy stops: the proxy ends its side of those in turn.
      clients.slice(0, 3).forEach((client) => client.end());
      await proxy.stop();
      await within(Promise.all(closed), 5000, 'every client connection closed');
      expect(proxy.connections).toBe(0);
      await expect(
        new Promise((resolve, reject) => connect(proxy.port, '127.0.0.1').on('connect', resolve).on('error', (error: NodeJS.ErrnoException) => reject(error.code))),
      ).rejects.toBe('ECONNREFUSED');
    } finally {
      upstream.accepted.forEach((socket) => socket.destroy());
      await new Promise((resolve) => upstream.server.close(resolve));
    }
  });
});
