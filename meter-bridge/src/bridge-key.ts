import type { Hex } from "viem";
import { BridgeConfigurationError } from "./errors.ts";

export const BRIDGE_KEY_ENV = "NACHBARSTROM_BRIDGE_KEY";

export type ResolveBridgeKeyParameters = {
  /**
   * The chain config node's credential. Node-RED has already replaced a credential that is exactly
   * `${NAME}` by that environment variable; when NAME is not set the text stays as it was.
   */
  credential: string | undefined;
  /** NACHBARSTROM_BRIDGE_KEY as Node-RED sees it (flow, global or process environment). */
  fromEnv: string | undefined;
};

export type ResolveBridgeKeyReturnType = { privateKey: Hex; source: "credential" | "environment" };

/**
 * The bridge account's private key: the credential if it is set, else NACHBARSTROM_BRIDGE_KEY.
 * Errors say where the key was looked for and what is wrong with it, never the key itself.
 */
export function resolveBridgeKey({ credential, fromEnv }: ResolveBridgeKeyParameters): ResolveBridgeKeyReturnType {
  const fromCredential = credential?.trim();
  if (fromCredential) {
    const unresolved = /^\$\{(.+)\}$/.exec(fromCredential);
    if (unresolved) {
      throw new BridgeConfigurationError("The bridge key is not set", {
        details: `the credential refers to the environment variable ${unresolved[1]}, which is not set`,
      });
    }
    return {
      privateKey: parseBridgeKey(fromCredential, "the chain node's private key credential"),
      source: "credential",
    };
  }
  const environment = fromEnv?.trim();
  if (environment) return { privateKey: parseBridgeKey(environment, BRIDGE_KEY_ENV), source: "environment" };
  throw new BridgeConfigurationError("The bridge key is not set", {
    details: `set the private key credential of the chain config node or the environment variable ${BRIDGE_KEY_ENV}`,
  });
}

/** Checks the form of a private key; `where` says where it came from, for the error message. */
export function parseBridgeKey(value: string, where: string): Hex {
  const hex = value.startsWith("0x") ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new BridgeConfigurationError("The bridge key is malformed", {
      details: `${where} must be 32 bytes as 64 hex digits (with or without 0x); it has ${value.length} characters`,
    });
  }
  return hex as Hex;
}
