import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake received. */
export interface TokenExchangeRequest {
  path: string;
  authorization: string | undefined;
  body: string;
}

/** A running fake of Google's STS token exchange and IAM Credentials' generateAccessToken. */
export interface FakeTokenExchange {
  /** `http://127.0.0.1:<port>` */
  url: string;
  readonly requests: TokenExchangeRequest[];
  stop(): Promise<void>;
}

/**
 * Starts, on 127.0.0.1, the two endpoints workload identity federation calls: `POST /v1/token`
 * (STS; answers `federatedToken`) and `POST /v1/projects/-/serviceAccounts/<email>:generateAccessToken`
 * (IAM Credentials; answers `accessToken` when called with the federated token, 403 otherwise).
 * The answers have the shapes Google documents; nothing is checked beyond the bearer token, the
 * test looks at `requests`.
 */
export async function startFakeTokenExchange(tokens: {
  federatedToken: string;
  accessToken: string;
}): Promise<FakeTokenExchange> {
  const requests: TokenExchangeRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = request.url ?? "/";
    requests.push({ path, authorization: request.headers.authorization, body });
    response.setHeader("content-type", "application/json");
    if (request.method === "POST" && path === "/v1/token") {
      response.end(
        JSON.stringify({
          access_token: tokens.federatedToken,
          issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
          token_type: "Bearer",
          expires_in: 3600,
        }),
      );
      return;
    }
    if (request.method === "POST" && path.endsWith(":generateAccessToken")) {
      if (request.headers.authorization !== `Bearer ${tokens.federatedToken}`) {
        response.statusCode = 403;
        response.end(JSON.stringify({ error: { code: 403, message: "Permission denied" } }));
        return;
      }
      response.end(
        JSON.stringify({
          accessToken: tokens.accessToken,
          expireTime: new Date(Date.now() + 3600_000).toISOString(),
        }),
      );
      return;
    }
    response.statusCode = 404;
    response.end(JSON.stringify({ error: { code: 404, message: `no ${path}` } }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
