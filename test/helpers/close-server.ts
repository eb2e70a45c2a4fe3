import type { Server } from 'node:http';

/** Closes a test's HTTP server, keep-alive connections (a browser's) included; nothing if there is none. */
export async function closeServer(server: Server | undefined | null): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
