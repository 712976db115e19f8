import { Duplex } from 'node:stream';
import tls from 'node:tls';

/**
 * The ClientHello this machine's TLS stack sends for a server name, taken from a TLS connection over
 * an in-memory stream: a path device that matches SNI sees the same bytes the request probe sent.
 * Without a servername there is no SNI, which makes it the harmless control.
 */
export function clientHelloBytes(servername?: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const wire = new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        callback();
        resolve(Buffer.from(chunk));
        // Written synchronously inside tls.connect(): end the handshake once that call has returned.
        setImmediate(() => secure.destroy());
      },
    });
    const secure = tls.connect({
      socket: wire,
      ...(servername ? { servername } : {}),
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: false,
    });
    secure.on('error', (error) => reject(error));
  });
}
