/** Binding the HTTP server: the asked port, or with `scan` the next free one after it. */
import type { Server } from 'node:http';
import { BoardError } from '../errors.js';

/** Listens on `host:port`; when the port is taken and `attempts` > 1, tries the following ports. Resolves the port. */
export async function listen(server: Server, host: string, port: number, attempts: number): Promise<number> {
  for (let i = 0; i < attempts; i += 1) {
    const p = port === 0 ? 0 : port + i;
    try {
      await new Promise<void>((ok, fail) => {
        const onError = (e: Error) => {
          server.off('listening', onListening);
          fail(e);
        };
        const onListening = () => {
          server.off('error', onError);
          ok();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(p, host);
      });
      return (server.address() as { port: number }).port;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' || port === 0 || i === attempts - 1) {
        throw new BoardError(
          'BOARD_LISTEN',
          `startBoard(): cannot listen on ${host}:${p}${attempts > 1 ? ` (tried ports ${port}..${p})` : ''}: ${(e as Error).message}. Pass another --port or --host.`,
          { cause: e },
        );
      }
    }
  }
  throw new BoardError('BOARD_LISTEN', `startBoard(): no port tried on ${host} (attempts=${attempts}).`);
}
