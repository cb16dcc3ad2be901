import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the fake Slack received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  /** The body parsed: JSON for webhooks, form fields (JSON values decoded) for the Web API. */
  payload: Record<string, unknown>;
}

/** An answer the fake gives to the next request. */
export interface FakeAnswer {
  /** Never answer (until the client gives up or the server stops). */
  hang?: boolean;
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * A stand-in for Slack on 127.0.0.1 that records what it receives: incoming webhooks under
 * `/services/…` and the Web API under `/api/…`. Answers come from a queue; when it is empty,
 * webhooks get `200 ok` and the Web API `{"ok":true,…}`, as Slack answers.
 */
export class FakeSlack {
  readonly requests: RecordedRequest[] = [];
  private readonly answers: FakeAnswer[] = [];
  private server: Server | undefined;
  private port = 0;

  /** Starts listening on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString("utf8");
      const path = request.url ?? "/";
      this.requests.push({
        method: request.method ?? "",
        path,
        headers: request.headers,
        body,
        payload: parsePayload(body, request.headers["content-type"]),
      });
      const answer = this.answers.shift() ?? defaultAnswer(path);
      if (answer.hang) return;
      response.writeHead(answer.status, answer.headers ?? {});
      response.end(answer.body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops the server and drops open connections. */
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Queues answers for the next requests, in order. */
  answer(...answers: FakeAnswer[]): void {
    this.answers.push(...answers);
  }

  /** Forgets recorded requests and queued answers between tests. */
  reset(): void {
    this.requests.length = 0;
    this.answers.length = 0;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

function defaultAnswer(path: string): FakeAnswer {
  if (path.startsWith("/api/")) {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ok: true, channel: "C0123ABCD", ts: "1546340400.000100" }),
    };
  }
  return { status: 200, headers: { "content-type": "text/html" }, body: "ok" };
}

function parsePayload(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/x-www-form-urlencoded")) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(body)) {
      fields[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    }
    return fields;
  }
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return {};
  }
}
