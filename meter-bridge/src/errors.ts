import { NachbarstromError } from "@nachbarstrom/core";

/** A setting of the bridge is missing or wrong: a file path, the bridge key, the broker URL. */
export class BridgeConfigurationError extends NachbarstromError {
  override name = "BridgeConfigurationError";
}

/** A batch could not be settled on chain for a reason that retrying will not fix. */
export class SettlementFailedError extends NachbarstromError {
  override name = "SettlementFailedError";
}

/** The embedded Node-RED runtime or MQTT broker could not start. */
export class BridgeStartError extends NachbarstromError {
  override name = "BridgeStartError";
}
