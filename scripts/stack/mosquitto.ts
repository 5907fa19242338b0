/**
 * A Mosquitto broker (Debian's `mosquitto` package; .ci/run installs it) for what the embedded aedes
 * broker cannot do: MQTT 5 shared subscriptions, which several bridge processes need (ADR 0011).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NachbarstromError } from "@nachbarstrom/core";
import { spawnService, waitFor, type Service } from "./processes.ts";
import { connect } from "node:net";

/** Where Debian installs it; on PATH elsewhere. */
function mosquittoBinary(): string {
  for (const candidate of ["/usr/sbin/mosquitto", "mosquitto"]) {
    if (spawnSync(candidate, ["-h"], { encoding: "utf8" }).stdout?.includes("mosquitto version")) return candidate;
  }
  throw new NachbarstromError("Mosquitto is not installed", {
    details: "several bridge processes need its shared subscriptions: apt-get install mosquitto (.ci/run does)",
  });
}

export async function startMosquitto({
  port,
  log = console.log,
}: {
  port: number;
  log?: (line: string) => void;
}): Promise<Service & { url: string }> {
  const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-mosquitto-"));
  const config = join(dir, "mosquitto.conf");
  writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      "allow_anonymous true",
      "persistence false",
      // A bridge process's session keeps what arrives while it is down until a survivor adopts it.
      "max_queued_messages 1000000",
      "max_inflight_messages 100",
      "",
    ].join("\n"),
  );
  const service = spawnService({ name: "mosquitto", command: mosquittoBinary(), args: ["-c", config], log });
  await waitFor(`Mosquitto on port ${port}`, async () => {
    if (service.child.exitCode !== null) {
      throw new NachbarstromError("Mosquitto could not start", { details: `exit code ${service.child.exitCode}` });
    }
    return new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => resolve(socket.end() && true));
      socket.on("error", () => resolve(false));
    });
  });
  return {
    ...service,
    url: `mqtt://127.0.0.1:${port}`,
    async stop() {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
