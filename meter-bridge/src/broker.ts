import { createServer, type Socket } from "node:net";
import { Aedes, type AedesOptions } from "aedes";
import { BridgeStartError } from "./errors.ts";

export type StartBrokerParameters = {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on; 127.0.0.1 unless given. */
  host?: string;
  /**
   * Sessions, subscriptions and queued messages (an aedes persistence). A broker started with the
   * persistence of one that stopped carries on with its sessions, as Mosquitto does with `persistence true`.
   */
  persistence?: BrokerPersistence;
};

/** An aedes persistence; opaque to callers, who only hand it from one broker to the next. */
export type BrokerPersistence = NonNullable<AedesOptions["persistence"]>;

export type StartBrokerReturnType = {
  /** mqtt://host:port, with the port actually bound. */
  url: string;
  /** Disconnects every client and closes the server; leaves no handle behind. */
  stop(): Promise<void>;
  persistence: BrokerPersistence;
  /** How many SUBSCRIBE requests for exactly `filter` (e.g. `nachbarstrom/+/+/reading`) the broker has taken. */
  subscriptions(filter: string): number;
};

/**
 * An embedded MQTT 3.1.1 broker (aedes, in memory) for the local default. A deployment with its own
 * broker sets MQTT_URL instead and never starts this one.
 */
export async function startBroker({
  port,
  host = "127.0.0.1",
  persistence,
}: StartBrokerParameters): Promise<StartBrokerReturnType> {
  const broker = await Aedes.createBroker(persistence ? { persistence } : {});
  // aedes' own in-memory persistence unless one was given (its types omit the property).
  const kept = (broker as unknown as { persistence: BrokerPersistence }).persistence;
  const subscribed = new Map<string, number>();
  broker.on("subscribe", (subscriptions) => {
    for (const { topic } of subscriptions) subscribed.set(topic, (subscribed.get(topic) ?? 0) + 1);
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    broker.handle(socket);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (cause) {
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw new BridgeStartError(`Cannot start the MQTT broker on ${host}:${port}`, {
      details: (cause as Error).message,
      cause,
    });
  }
  const address = server.address();
  const boundPort = typeof address === "object" && address ? address.port : port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  let stopped: Promise<void> | undefined;
  return {
    url: `mqtt://${urlHost}:${boundPort}`,
    persistence: kept,
    subscriptions: (filter) => subscribed.get(filter) ?? 0,
    stop() {
      stopped ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await new Promise<void>((resolve) => broker.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return stopped;
    },
  };
}
