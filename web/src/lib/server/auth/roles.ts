import { creditTokenAbi, meterRegistryAbi } from "@nachbarstrom/core/abi";
import { keccak256, toBytes, type Address } from "viem";
import type { ChainContext } from "../chain.ts";

/** The role ids of contracts/Roles.sol. */
export const OPERATOR_ROLE = keccak256(toBytes("nachbarstrom.role.operator"));
export const AUDITOR_ROLE = keccak256(toBytes("nachbarstrom.role.auditor"));
export const TREASURER_ROLE = keccak256(toBytes("nachbarstrom.role.treasurer"));

/**
 * What the chain says an account may see and do: the console (operator, auditor, treasurer; the
 * treasurer confirms top-ups and pay-outs) and its own household page.
 */
export type AccountRoles = { operator: boolean; auditor: boolean; treasurer: boolean; household: boolean };

/**
 * Reads the account's roles (OpenZeppelin AccessControl `hasRole`: the MeterRegistry holds the operator
 * and auditor grants, the CreditToken the treasurer's) and whether it is a participant, i.e. owns or
 * owned a meter.
 */
export async function readAccountRoles({ client, deployment }: ChainContext, account: Address): Promise<AccountRoles> {
  const address = deployment.contracts.meterRegistry;
  const credit = deployment.contracts.creditToken;
  const [operator, auditor, treasurer, household] = await Promise.all([
    client.readContract({ address, abi: meterRegistryAbi, functionName: "hasRole", args: [OPERATOR_ROLE, account] }),
    client.readContract({ address, abi: meterRegistryAbi, functionName: "hasRole", args: [AUDITOR_ROLE, account] }),
    client.readContract({
      address: credit,
      abi: creditTokenAbi,
      functionName: "hasRole",
      args: [TREASURER_ROLE, account],
    }),
    client.readContract({ address, abi: meterRegistryAbi, functionName: "isParticipant", args: [account] }),
  ]);
  return { operator, auditor, treasurer, household };
}

/** Roles are read again after 30 s: a revoked role stops working within that time. */
export const ROLE_CACHE_MS = 30_000;

const cache = new Map<string, { roles: AccountRoles; readAt: number }>();

/** readAccountRoles through a short per-process cache, keyed by chain, registry and account. */
export async function cachedAccountRoles(
  chain: ChainContext,
  account: Address,
  now: number = Date.now(),
): Promise<AccountRoles> {
  const key = `${chain.deployment.chainId}:${chain.deployment.contracts.meterRegistry}:${account}`;
  const hit = cache.get(key);
  if (hit && now - hit.readAt < ROLE_CACHE_MS) return hit.roles;
  const roles = await readAccountRoles(chain, account);
  cache.set(key, { roles, readAt: now });
  return roles;
}
