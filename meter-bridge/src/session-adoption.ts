/**
 * Adopting a dead bridge process's MQTT session (ADR 0011). With shared subscriptions the broker
 * gives each message to one process; what it had queued or in flight for a process that died stays in
 * that process's persistent session. A survivor connects once with the dead process's client id and
 * clean start off, which makes the broker deliver all of it; each message is acknowledged only after
 * `onMessage` has stored it. Once drained, the session ends (DISCONNECT with expiry 0); if a message
 * could not be stored, the connection is dropped and the session, with that message, stays for the
 * next attempt.
 */
import mqtt from "mqtt";

/** How long the adopted session outlives a failed attempt (the next refresh tries again). */
const RETRY_EXPIRY_SECONDS = 7 * 24 * 3600;

export type AdoptSessionParameters = {
  url: string;
  /** The dead process's client id. */
  clientId: string;
  /** Stores one message; the broker's acknowledgement waits for it. */
  onMessage(topic: string, payload: Uint8Array): Promise<void>;
  /** The session is drained once nothing arrived for this long. */
  quietMs?: number;
  timeoutMs?: number;
};

/** Resolves with the number of messages taken over once the session is drained and ended. */
export async function adoptSession({
  url,
  clientId,
  onMessage,
  quietMs = 500,
  timeoutMs = 30_000,
}: AdoptSessionParameters): Promise<number> {
  let taken = 0;
  let last = Date.now();
  let failure: unknown;
  const client = mqtt.connect(url, {
    clientId,
    clean: false,
    protocolVersion: 5,
    // Resumes the session; it ends only when drained (see the DISCONNECT below).
    properties: { sessionExpiryInterval: RETRY_EXPIRY_SECONDS },
    reconnectPeriod: 0,
    customHandleAcks: (topic, payload, _packet, done) => {
      last = Date.now();
      onMessage(topic, payload).then(
        () => {
          taken++;
          last = Date.now();
          done(0);
        },
        (error: unknown) => {
          // Not acknowledged: the message stays in the session, for the next attempt.
          failure = error;
          client.end(true);
        },
      );
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - last < quietMs) {
      if (failure !== undefined) throw failure;
      if (Date.now() > deadline) throw new Error(`The session of ${clientId} was not drained within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (failure !== undefined) throw failure;
    await new Promise<void>((resolve) =>
      client.end(false, { properties: { sessionExpiryInterval: 0 } }, () => resolve()),
    );
    return taken;
  } catch (error) {
    client.end(true);
    throw error;
  }
}
