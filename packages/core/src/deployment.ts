import { readFileSync } from "node:fs";
import type { Address, Hex } from "viem";
import { z } from "zod";
import { NachbarstromError } from "./errors.ts";

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "an address (0x and 40 hex digits)")
  .transform((value) => value as Address);
const hex32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "32 bytes as 0x and 64 hex digits")
  .transform((value) => value as Hex);

/** Where the contracts of one installation live; written by the deployment, read by bridge and portal. */
export const deploymentSchema = z.strictObject({
  chainId: z.number().int().positive(),
  rpcUrl: z.url(),
  deployedAtBlock: z.number().int().nonnegative(),
  contracts: z.strictObject({
    meterRegistry: address,
    creditToken: address,
    tariffSchedule: address,
    powerContracts: address,
    neighbourhoodSettlement: address,
    settlementCorrections: address,
    costCap: address,
  }),
});

export type Deployment = z.infer<typeof deploymentSchema>;

/**
 * The utility's off-chain meter directory: which metering point is which pseudonymous meter id and
 * who owns it. Personal data: it never goes on chain.
 */
export const meterDirectorySchema = z.strictObject({
  neighbourhoods: z.array(
    z.strictObject({
      slug: z.string().regex(/^[a-z0-9-]{1,64}$/),
      id: hex32,
      meters: z.array(
        z.strictObject({
          meteringPointId: z.string().min(1),
          meterId: hex32,
          owner: address,
        }),
      ),
    }),
  ),
});

export type MeterDirectory = z.infer<typeof meterDirectorySchema>;

/** Reads and validates a JSON file; the error names the file, the field and what was wrong. */
export function readJsonFile<T>(file: string, schema: z.ZodType<T, unknown>): T {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new NachbarstromError(`Cannot read ${file}`, { details: (cause as Error).message, cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NachbarstromError(`Invalid ${file}`, {
      details: `${issue.path.join(".") || "(root)"}: ${issue.message}`,
    });
  }
  return parsed.data;
}

export function readDeployment(file: string): Deployment {
  return readJsonFile(file, deploymentSchema);
}

export function readMeterDirectory(file: string): MeterDirectory {
  return readJsonFile(file, meterDirectorySchema);
}
