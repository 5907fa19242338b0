/**
 * The live feed: publishes the simulated neighbourhood's readings to an MQTT broker at accelerated
 * time, on the topics and in the formats real meters use towards the bridge: by default a mix of
 * plain JSON, Tasmota, DSMR P1, LoRaWAN and EIP-712 signed readings (and SML and D0 at real time),
 * one format per meter (live-formats.ts).
 *
 * Time: simulated time = startAt + (wall time since start) × speed. Step k is due at wall time
 * start + k × stepSeconds / speed; each due time is computed from the start, not from the previous
 * step, so timer jitter never accumulates. A feed that falls behind (a slow broker) publishes the
 * late steps at once; the timestamps stay on the simulated grid and no step is skipped.
 */
import { randomUUID } from "node:crypto";
import { connectAsync, type MqttClient } from "mqtt";
import { DEMO_NEIGHBOURHOOD } from "@nachbarstrom/core";
import { readingBatches, type SimulatedNeighbourhood, type SimulatedReading } from "./day.ts";
import { SimulationBrokerError, SimulationParameterError } from "./errors.ts";
import { meterEncoders, type FeedFormats } from "./live-formats.ts";

export type StartLiveFeedParameters = {
  /** Broker URL: mqtt://, mqtts://, ws:// or wss://; credentials may go into the URL. */
  mqttUrl: string;
  neighbourhood?: SimulatedNeighbourhood;
  /** Simulated time of the first readings; whole seconds. */
  startAt: Date;
  /** Simulated seconds per wall second: 1 is real time, 180 turns a 15-minute interval into 5 s. */
  speed: number;
  /** Simulated seconds between readings (default 60). */
  stepSeconds?: number;
  /** Seed of the weather and appliance draws (default 1). */
  seed?: number;
  /**
   * The meters' formats (live-formats.ts): "mixed" (default) gives household i the i-th format of the
   * mix in turn; one format name, or a list the households take in turn. SML and D0 only at real time.
   */
  formats?: FeedFormats;
  /**
   * Called for each reading once the broker has acknowledged it (QoS 1 PUBACK), with the registers as
   * plain JSON would carry them, whatever format went out.
   */
  onPublish?: (reading: SimulatedReading) => void;
  /** Called when publishing fails or the connection reports an error; default: a process warning. */
  onError?: (error: SimulationBrokerError) => void;
};

export type LiveFeed = {
  /**
   * Stops publishing, waits up to 2 s for acknowledgements in flight (then drops them) and
   * disconnects; leaves no socket or timer behind. Idempotent.
   */
  stop(): Promise<void>;
  /** The feed's simulated clock; frozen once stop() is called. */
  now(): Date;
};

export type StartLiveFeedReturnType = Promise<LiveFeed>;

const PROTOCOLS = new Set(["mqtt:", "mqtts:", "tcp:", "ssl:", "ws:", "wss:"]);
const STOP_GRACE_MS = 2000;

/** Connects to the broker and starts publishing; resolves once connected, rejects if the broker cannot be reached. */
export async function startLiveFeed(parameters: StartLiveFeedParameters): StartLiveFeedReturnType {
  const { mqttUrl, neighbourhood = DEMO_NEIGHBOURHOOD, startAt, speed, stepSeconds = 60, seed = 1 } = parameters;
  const report = parameters.onError ?? ((error: SimulationBrokerError) => process.emitWarning(error));
  const brokerName = checkedBrokerName(mqttUrl);
  if (!Number.isFinite(speed) || speed <= 0) {
    throw new SimulationParameterError(
      "speed",
      "must be a positive number of simulated seconds per wall second",
      speed,
    );
  }
  // The first batch checks the remaining parameters before anything touches the network.
  const batches = readingBatches({ neighbourhood, startAt, stepSeconds, seed });
  const first = batches.next().value;
  // Simulated time is wall-clock time: only then may meters without a clock (SML, D0) take part.
  const realTime = speed === 1 && Math.abs(startAt.getTime() - Date.now()) <= stepSeconds * 1000;
  const encoders = meterEncoders(neighbourhood, parameters.formats ?? "mixed", realTime);

  let client: MqttClient;
  try {
    client = await connectAsync(
      mqttUrl,
      { clientId: `nachbarstrom-sim-${neighbourhood.slug}-${randomUUID().slice(0, 8)}`, connectTimeout: 10_000 },
      false,
    );
  } catch (cause) {
    throw new SimulationBrokerError(`cannot connect to the MQTT broker at ${brokerName}`, {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
  client.on("error", (cause) =>
    report(new SimulationBrokerError(`MQTT connection to ${brokerName} failed`, { details: cause.message, cause })),
  );

  const wallStart = performance.now();
  const stepMs = (stepSeconds * 1000) / speed;
  const simulatedAt = (wall: number): Date => new Date(startAt.getTime() + (wall - wallStart) * speed);
  const sleeper = new AbortController();
  // Resolved when stop() gives up on unacknowledged messages: mqtt.js never settles them once it is ended.
  const abandoned = Promise.withResolvers<void>();
  let stoppedAt: Date | undefined;

  const publish = async (reading: SimulatedReading, meter: number): Promise<void> => {
    let topic = reading.topic;
    try {
      const { importWh, exportWh, timestamp } = reading.payload;
      const message = await encoders[meter]({
        importWh: BigInt(importWh),
        exportWh: BigInt(exportWh),
        unixSeconds: Date.parse(timestamp) / 1000,
      });
      topic = message.topic;
      const payload = typeof message.payload === "string" ? message.payload : Buffer.from(message.payload);
      await client.publishAsync(topic, payload, { qos: 1 });
      parameters.onPublish?.(reading);
    } catch (cause) {
      if (stoppedAt !== undefined) return; // ending the connection cancels what is in flight: expected
      report(
        new SimulationBrokerError(`publishing to ${topic} failed`, {
          details: cause instanceof Error ? cause.message : String(cause),
          cause,
        }),
      );
    }
  };

  const loop = (async () => {
    for (let step = 0; stoppedAt === undefined; step++) {
      const waitMs = wallStart + step * stepMs - performance.now();
      if (waitMs > 0 && !(await delay(waitMs, sleeper.signal))) return;
      const batch = step === 0 ? first : batches.next().value;
      await Promise.race([
        Promise.all(batch.readings.map((reading, meter) => publish(reading, meter))),
        abandoned.promise,
      ]);
    }
  })();

  let stopping: Promise<void> | undefined;
  return {
    now: () => stoppedAt ?? simulatedAt(performance.now()),
    stop() {
      stopping ??= (async () => {
        stoppedAt = simulatedAt(performance.now());
        sleeper.abort();
        // Wait for acknowledgements in flight, but not past the grace period or a lost connection.
        const grace = new AbortController();
        const onClose = (): void => grace.abort();
        client.once("close", onClose);
        const drained =
          client.connected &&
          (await Promise.race([loop.then(() => true), delay(STOP_GRACE_MS, grace.signal).then(() => false)]));
        client.off("close", onClose);
        grace.abort();
        abandoned.resolve();
        await loop;
        if (client.connected) {
          await client.endAsync(!drained);
        } else {
          // Offline (the broker went away): end() clears the reconnect timer, but its callback waits
          // for a socket close that already happened, so it is not awaited.
          client.end(true);
        }
      })();
      return stopping;
    },
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts; leaves no timer behind. */
function delay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Checks the broker URL and returns it without its password, for messages. */
function checkedBrokerName(mqttUrl: string): string {
  let url: URL;
  try {
    url = new URL(mqttUrl);
  } catch {
    throw new SimulationParameterError("mqttUrl", "must be a URL such as mqtt://127.0.0.1:1883", mqttUrl);
  }
  if (!PROTOCOLS.has(url.protocol)) {
    throw new SimulationParameterError("mqttUrl", `must use one of ${[...PROTOCOLS].join(" ")}`, url.protocol);
  }
  if (url.password) url.password = "***";
  return url.toString();
}
