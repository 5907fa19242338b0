/**
 * A round-robin HTTP load balancer for several portal processes on one machine: the demo's and the
 * tests' stand-in for the utility's own (nginx, HAProxy; see doc/deploy-besu.md §Portal). It passes
 * each request to the next process, and to the one after when a process does not accept connections
 * (it died), so a user notices nothing. Nothing sticks a user to a process: the portal keeps no state
 * between requests outside its database.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";

export type Balancer = {
  url: string;
  /** Requests each backend answered, by index. */
  readonly served: readonly number[];
  stop(): Promise<void>;
};

export async function startBalancer({
  port,
  backends,
}: {
  port: number;
  /** Base URLs of the portal processes, e.g. http://127.0.0.1:5174. */
  backends: readonly string[];
}): Promise<Balancer> {
  const served = backends.map(() => 0);
  let next = 0;

  function forward(incoming: IncomingMessage, response: ServerResponse, body: Buffer, tried: number): void {
    const index = next++ % backends.length;
    const target = new URL(incoming.url ?? "/", backends[index]);
    const outgoing = request(
      target,
      { method: incoming.method, headers: { ...incoming.headers, "x-forwarded-for": incoming.socket.remoteAddress } },
      (answer) => {
        served[index]++;
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    outgoing.on("error", (error) => {
      if (response.headersSent) return void response.destroy(error);
      // Refused: that process is gone; the request had no effect there, so the next one gets it.
      if (tried + 1 < backends.length && (error as { code?: string }).code === "ECONNREFUSED") {
        return forward(incoming, response, body, tried + 1);
      }
      response.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      response.end(`No portal process answered: ${error.message}`);
    });
    outgoing.end(body);
  }

  const server = createServer((incoming, response) => {
    // The body is read whole so that a request can be passed to another process when one is gone.
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => forward(incoming, response, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://localhost:${port}`,
    served,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
