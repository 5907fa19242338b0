import { NachbarstromError } from "@nachbarstrom/core";

/** A setting of the bridge is missing or wrong: a file path, the bridge key, the broker URL. */
export class BridgeConfigurationError extends NachbarstromError {
  override name = "BridgeConfigurationError";
}

/** A batch could not be settled on chain for a reason that retrying will not fix. */
export class SettlementFailedError extends NachbarstromError {
  override name = "SettlementFailedError";
}

/** The chain holds the interval already: a submission finds it settled before sending anything. */
export class IntervalAlreadySettledError extends NachbarstromError {
  override name = "IntervalAlreadySettledError";
}

/** The embedded Node-RED runtime or MQTT broker could not start. */
export class BridgeStartError extends NachbarstromError {
  override name = "BridgeStartError";
}

/** The bridge's database cannot be opened, migrated or read (see store.ts). */
export class BridgeStoreError extends NachbarstromError {
  override name = "BridgeStoreError";
}

/** A change the outbox's state machine does not allow, or a second, different batch for an interval. */
export class OutboxStateError extends NachbarstromError {
  override name = "OutboxStateError";
}
