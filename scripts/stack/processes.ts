import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { NachbarstromError } from "@nachbarstrom/core";

export type Service = { name: string; stop(): Promise<void> };

export type SpawnServiceParameters = {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Lines of output go here, prefixed with the service name. */
  log?: (line: string) => void;
};

/** Starts a child process whose output is prefixed with its name; stop() ends it (TERM, then KILL). */
export function spawnService({ name, command, args, env, cwd, log = console.log }: SpawnServiceParameters): Service & {
  child: ChildProcess;
  exited: Promise<number | null>;
} {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log(`[${name}] ${line}`);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name,
    child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A TCP port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it resolves truthy; fails with a message naming `what` after `timeoutMs`. Other
 * errors count as "not yet"; a NachbarstromError from `check` ends the wait at once.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      // A NachbarstromError says the wait is hopeless (e.g. the process died): give up at once.
      if (error instanceof NachbarstromError) throw error;
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new NachbarstromError(`Timed out waiting for ${what}`, {
    details: `no success within ${timeoutMs} ms${last ? `; last error: ${(last as Error).message}` : ""}`,
    cause: last,
  });
}
