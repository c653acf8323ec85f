import { connect, createServer, type Socket } from 'node:net';

/**
 * What the proxy does with a new connection:
 * - `pass`: relays it to the real server;
 * - `fatal on ready`: answers as a server shutting down while the connection
 *   opens — AuthenticationOk, ReadyForQuery and "terminating connection due to
 *   administrator command" (57P01) in one packet — then closes it;
 * - `silent`: accepts it and never answers, as a server that hangs;
 * - `fatal on first query`: relays the start-up, then answers the first query
 *   (a transaction's BEGIN) with 57P01 and closes, as a server shutting down
 *   between the two.
 */
export type ProxyMode = 'pass' | 'fatal on ready' | 'silent' | 'fatal on first query';

export interface DatabaseProxy {
  readonly port: number;
  /** Applies to connections opened from now on. */
  mode: ProxyMode;
  /**
   * Stops relaying, both ways, on every connection in `pass` mode, open or
   * opened from now on, and closes none: a database host or a network that
   * froze in the middle of a statement. What either side sends meanwhile is
   * held back.
   */
  freeze(): void;
  /** Relays again, what was held back first. */
  thaw(): void;
  /** Cuts every open connection, as a crashed server would: the pools must open new ones. */
  cutAll(): void;
  close(): Promise<void>;
}

const ADMIN_SHUTDOWN = message('E', Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '57P01'), field('M', 'terminating connection due to administrator command'), Buffer.from([0])]));
const FATAL_ON_READY = Buffer.concat([
  message('R', int32(0)), // AuthenticationOk
  message('Z', Buffer.from('I')), // ReadyForQuery, idle
  ADMIN_SHUTDOWN,
]);

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function message(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);
}

function field(code: string, value: string): Buffer {
  return Buffer.from(`${code}${value}\0`);
}

/** A TCP proxy in front of the PostgreSQL on `upstreamPort` that can turn into a failing server (see `ProxyMode`). */
export async function startDatabaseProxy(upstreamPort: number): Promise<DatabaseProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const state = { mode: 'pass' as ProxyMode, frozen: false };
  /** What was sent while frozen, in order. */
  const held: { to: Socket; chunk: Buffer }[] = [];
  const relay = (from: Socket, to: Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (state.frozen) held.push({ to, chunk });
      else if (!to.destroyed) to.write(chunk);
    });
  const server = createServer((socket) => {
    track(socket);
    switch (state.mode) {
      case 'fatal on ready':
        // The start-up message (no TLS is asked for), then everything in one write, then the end.
        socket.once('data', () => socket.end(FATAL_ON_READY));
        return;
      case 'silent':
        return;
      case 'pass':
      case 'fatal on first query': {
        const upstream = connect(upstreamPort, '127.0.0.1');
        track(upstream);
        upstream.on('close', () => socket.destroy());
        socket.on('close', () => upstream.destroy());
        if (state.mode === 'pass') {
          relay(upstream, socket);
          relay(socket, upstream);
          return;
        }
        upstream.pipe(socket);
        // A simple query ('Q') is never part of the start-up: the first one is where the server goes.
        socket.on('data', (chunk: Buffer) => {
          if (chunk[0] !== 0x51) upstream.write(chunk);
          else {
            upstream.unpipe(socket);
            socket.end(ADMIN_SHUTDOWN, () => upstream.destroy());
          }
        });
        return;
      }
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get mode() {
      return state.mode;
    },
    set mode(mode: ProxyMode) {
      state.mode = mode;
    },
    freeze() {
      state.frozen = true;
    },
    thaw() {
      state.frozen = false;
      for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    cutAll() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
