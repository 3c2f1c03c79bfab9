import { Socket, createConnection } from 'node:net';

/** An answer read off the wire, as the client gets it. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The bytes of an HTTP/1.1 request, `Connection: close` and a correct `Content-Length`. */
export function rawRequest(method: string, target: string, headers: [string, string][] = [], body?: Buffer | string): Buffer {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', ...headers.map(([name, value]) => `${name}: ${value}`)];
  if (payload !== undefined) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload ?? Buffer.alloc(0)]);
}

/** Parses one answer (Content-Length or chunked); `undefined` when nothing came back. */
export function parseAnswer(raw: Buffer): RawAnswer | undefined {
  // Interim answers (100 Continue to `Expect: 100-continue`) come before the final one.
  while (/^HTTP\/1\.[01] 1\d\d /.test(raw.subarray(0, 16).toString('latin1'))) {
    const interimEnd = raw.indexOf('\r\n\r\n');
    if (interimEnd < 0) return undefined;
    raw = raw.subarray(interimEnd + 4);
  }
  const end = raw.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...headerLines] = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = raw.subarray(end + 4);
  if (headers['transfer-encoding']?.includes('chunked')) {
    const chunks: Buffer[] = [];
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
      if (!size) break;
      chunks.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
      rest = rest.subarray(lineEnd + 2 + size + 2);
    }
    body = Buffer.concat(chunks);
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/** A connection on which a test writes a request at its own pace, then reads the answer. */
export interface RawConnection {
  socket: Socket;
  write(bytes: Buffer | string): Promise<void>;
  /** Everything the server sent until it closed the connection, parsed. */
  answer: Promise<RawAnswer | undefined>;
}

export function openRaw(baseUrl: string): Promise<RawConnection> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    const received: Buffer[] = [];
    const answer = new Promise<RawAnswer | undefined>((done) => {
      socket.on('data', (chunk) => received.push(chunk));
      socket.on('close', () => done(parseAnswer(Buffer.concat(received))));
      socket.on('error', () => undefined);
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        answer,
        write: (bytes) => new Promise<void>((written, failed) => socket.write(bytes, (error) => (error ? failed(error) : written()))),
      }),
    );
  });
}

/** Sends a whole request and reads the answer. */
export async function sendRaw(baseUrl: string, bytes: Buffer): Promise<RawAnswer | undefined> {
  const connection = await openRaw(baseUrl);
  await connection.write(bytes).catch(() => undefined);
  return connection.answer;
}
