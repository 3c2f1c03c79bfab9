import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';

/**
 * What the proxy does with the database traffic:
 * - `pass`: forwards both ways;
 * - `refuse`: not listening (connects are refused) and every open connection cut;
 * - `blackhole`: accepts connections but never answers (a host that vanished from the network),
 *   open connections cut;
 * - `stall`: like `blackhole`, and open connections stay open but carry nothing more (a frozen
 *   server in the middle of a statement).
 */
export type ProxyMode = 'pass' | 'refuse' | 'blackhole' | 'stall';

interface Pair {
  client: Socket;
  upstream?: Socket;
}

/**
 * A TCP proxy in front of the database that a test cuts and restores: the faults the host sees
 * are real network faults (refused connects, reset connections, silence), not mocks.
 */
export class TcpProxy {
  private mode: ProxyMode = 'pass';
  private readonly pairs = new Set<Pair>();
  private server: Server;
  port = 0;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {
    this.server = this.createServer();
  }

  /** A proxy to `host:port` listening on a random loopback port. */
  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await proxy.listen(0);
    return proxy;
  }

  /** `url` (mysql://...) with its host and port replaced by the proxy's. */
  route(url: string): string {
    const routed = new URL(url);
    routed.hostname = '127.0.0.1';
    routed.port = String(this.port);
    return routed.toString();
  }

  /** How many client connections are open through the proxy. */
  get connections(): number {
    return this.pairs.size;
  }

  async set(mode: ProxyMode): Promise<void> {
    const previous = this.mode;
    this.mode = mode;
    if (mode !== 'stall') this.cutAll();
    if (mode === 'refuse' && previous !== 'refuse') await this.close();
    if (mode !== 'refuse' && previous === 'refuse') await this.listen(this.port);
  }

  async stop(): Promise<void> {
    this.cutAll();
    if (this.mode !== 'refuse') await this.close();
    this.mode = 'refuse';
  }

  private createServer(): Server {
    return createServer((client) => this.accept(client));
  }

  private accept(client: Socket): void {
    const pair: Pair = { client };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    // Silence: the client waits for a greeting that never comes.
    if (this.mode !== 'pass') return;
    const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      if (this.mode === 'pass') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode === 'pass') client.write(chunk);
    });
  }

  /** Resets every open connection, as a broken link or a restarted server does. */
  private cutAll(): void {
    for (const pair of this.pairs) {
      cut(pair.client);
      pair.upstream?.destroy();
    }
    this.pairs.clear();
  }

  private listen(port: number): Promise<void> {
    this.server = this.createServer();
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Resets a connection (RST), or closes it when its own end is already under way: a socket that
 * has ended its side, as Node does by itself when the peer ends (the host closing its pool), may
 * be shutting down, and then the reset fails (libuv refuses it with EINVAL) and Node never closes
 * the handle: it stays open, and the process spins in Node's exit-time clean-up instead of exiting.
 */
export function cut(socket: Socket): void {
  if (socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}
