import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync, type ChildProcess } from "node:child_process";
import { NachbarstromError } from "@nachbarstrom/core";
import { spawnService, waitFor, type Service } from "./processes.ts";

/** Newest modification time of any file under `dir` (node_modules and build output excluded). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "build" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the portal (vite build) when its build is missing or older than its sources. */
export function buildPortalIfStale(root: string, log: (line: string) => void = console.log): void {
  const web = join(root, "web");
  const entry = join(web, "build", "index.js");
  const sources = Math.max(newestMtime(join(web, "src")), newestMtime(join(root, "packages/core/src")));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  log("[portal] building the portal (vite build) …");
  const { status } = spawnSync("npm", ["run", "build", "--workspace", "web"], { cwd: root, stdio: "inherit" });
  if (status !== 0) throw new NachbarstromError("Building the portal failed", { details: "see the vite output above" });
}

export type StartPortalParameters = {
  root: string;
  port: number;
  deploymentFile: string;
  /** The bridge's base URL (Node-RED's httpNodeRoot), for the console's bridge view; unset, it says "not configured". */
  bridgeUrl?: string;
  /** The bridge's meter directory (meters.json): the console adds onboarded metering points to it. */
  meterDirectoryFile?: string;
  /**
   * The address users reach the portal at; its own URL unless given. Several processes behind a load
   * balancer share the balancer's (passkeys and the same-origin checks are bound to it).
   */
  origin?: string;
  /** More environment, e.g. NACHBARSTROM_DATABASE_URL for a shared PostgreSQL database. */
  env?: Record<string, string>;
  /** For the log lines; "portal" unless given. */
  name?: string;
  log?: (line: string) => void;
};

/** Starts the built SvelteKit portal (adapter-node) and waits until it answers. */
export async function startPortal({
  root,
  port,
  deploymentFile,
  bridgeUrl,
  meterDirectoryFile,
  origin,
  env = {},
  name = "portal",
  log,
}: StartPortalParameters): Promise<Service & { url: string; child: ChildProcess }> {
  const url = `http://localhost:${port}`;
  const service = spawnService({
    name,
    command: process.execPath,
    args: [join(root, "web", "build", "index.js")],
    cwd: root,
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      ORIGIN: origin ?? url,
      NACHBARSTROM_DEPLOYMENT: deploymentFile,
      ...(bridgeUrl ? { NACHBARSTROM_BRIDGE_URL: bridgeUrl } : {}),
      ...(meterDirectoryFile ? { NACHBARSTROM_METERS: meterDirectoryFile } : {}),
      ...env,
    },
    log,
  });
  await waitFor(`the portal at ${url}`, async () => {
    if (service.child.exitCode !== null) {
      throw new NachbarstromError("The portal could not start", {
        details: `it exited with code ${service.child.exitCode}; see its output above`,
      });
    }
    return (await fetch(`http://127.0.0.1:${port}/`)).ok;
  });
  return { ...service, url };
}
