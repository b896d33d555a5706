import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An intranet page on another origin (localhost, not 127.0.0.1) that embeds the wallboard in an iframe. */
export async function startHostPage(
  frameSrc: string,
  port = 0,
): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><title>Intranet</title></head><body style="margin:0;background:#c0ffee">
<h1>Intranet home</h1>
<iframe id="wallboard" title="Queue" src="${frameSrc}" width="420" height="300" style="border:0"></iframe>
</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://localhost:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
