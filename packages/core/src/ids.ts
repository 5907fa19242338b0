import { encodePacked, keccak256, toBytes, type Hex } from "viem";

/** On-chain id of a neighbourhood: keccak256 of its slug, e.g. "burtscheid-sued". */
export function neighbourhoodId(slug: string): Hex {
  return keccak256(toBytes(slug));
}

/**
 * Pseudonymous on-chain id of a meter: keccak256(salt ‖ metering point id). The salt lives only in
 * the utility's store; erasing it leaves the chain data anonymous.
 */
export function meterId(salt: Hex, meteringPointId: string): Hex {
  return keccak256(encodePacked(["bytes32", "string"], [salt, meteringPointId]));
}
