import { createServer } from "node:net";

/**
 * Asks the kernel for a TCP port that is free on 127.0.0.1 right now.
 *
 * The port is released before the caller binds it, so another process could take it in between;
 * callers that start a child server treat "address in use" as a start failure and say so.
 */
export async function findFreePort(): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        if (port > 0) {
          resolve(port);
        } else {
          reject(new Error("the kernel did not report the port it picked"));
        }
      });
    });
  });
}
