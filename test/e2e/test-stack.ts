/** The whole stack for one end-to-end test file: free ports, a new temporary runtime folder. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../../scripts/stack/processes.ts";
import { startStack, type Stack, type StartStackParameters } from "../../scripts/stack/stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));

export type TestStack = Stack & { runtimeDir: string };

/** Starts chain, contracts, demo neighbourhood, broker, bridge and portal quietly (grace period 30 s). */
export async function startTestStack(
  name: string,
  options: Pick<StartStackParameters, "operatorCustody" | "databaseUrl" | "portalProcesses"> = {},
): Promise<TestStack> {
  const runtimeDir = mkdtempSync(join(tmpdir(), `nachbarstrom-${name}-`));
  try {
    const ports = {
      chain: await freePort(),
      mqtt: await freePort(),
      nodeRed: await freePort(),
      portal: await freePort(),
    };
    const stack = await startStack({ root, runtimeDir, ports, graceSeconds: 30, log: () => {}, ...options });
    return { ...stack, runtimeDir };
  } catch (error) {
    rmSync(runtimeDir, { recursive: true, force: true });
    throw error;
  }
}

/** Stops everything startTestStack started and removes its folder. */
export async function stopTestStack(stack: TestStack | undefined): Promise<void> {
  if (!stack) return;
  await stack.stop();
  rmSync(stack.runtimeDir, { recursive: true, force: true });
}
