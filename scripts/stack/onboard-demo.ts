import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEMO_RULES,
  DEV_ACCOUNT_INDEX,
  creditTokenAbi,
  demoSalt,
  devAccount,
  euros,
  meterId,
  meterRegistryAbi,
  tariffScheduleAbi,
  neighbourhoodId,
  NachbarstromError,
  type Deployment,
  type MeterDirectory,
} from "@nachbarstrom/core";

export type OnboardDemoParameters = { deployment: Deployment; runtimeDir: string };

/** What a demo household starts with, and what the utility sets aside for paying feed-in. */
export const DEMO_TOP_UP = euros("50");
export const DEMO_TREASURY_FLOAT = euros("1000");

/**
 * Does what the utility's operator does for the demo neighbourhood: registers it with its rules and tariff,
 * registers each household's meter under its salted id, tops up 50 euros per household, and writes the
 * off-chain meter directory (`<runtimeDir>/meters.json`) that the bridge uses.
 */
export async function onboardDemo({ deployment, runtimeDir }: OnboardDemoParameters): Promise<MeterDirectory> {
  const operator = devAccount(DEV_ACCOUNT_INDEX.admin);
  const transport = http(deployment.rpcUrl);
  const publicClient = createPublicClient({ transport });
  const wallet = createWalletClient({ account: operator, transport });
  const { meterRegistry, creditToken, tariffSchedule } = deployment.contracts;

  // chain: null skips viem's chain check; the RPC URL already names the chain.
  const send = async (hashPromise: Promise<Hex>) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hashPromise });
    if (receipt.status !== "success") {
      throw new NachbarstromError("Onboarding the demo neighbourhood failed", {
        details: `transaction ${receipt.transactionHash} reverted`,
      });
    }
  };
  const topUp = (account: Hex, amount: bigint) =>
    send(
      wallet.writeContract({
        chain: null,
        address: creditToken,
        abi: creditTokenAbi,
        functionName: "topUp",
        args: [account, amount],
      }),
    );

  const neighbourhood = neighbourhoodId(DEMO_NEIGHBOURHOOD.slug);
  await send(
    wallet.writeContract({
      chain: null,
      address: meterRegistry,
      abi: meterRegistryAbi,
      functionName: "registerNeighbourhood",
      args: [neighbourhood, { exists: true, ...DEMO_RULES }],
    }),
  );
  // The first tariff, agreed at onboarding, applies to every interval (also the simulator's past day).
  await send(
    wallet.writeContract({
      chain: null,
      address: tariffSchedule,
      abi: tariffScheduleAbi,
      functionName: "setInitialTariff",
      args: [neighbourhood, DEMO_NEIGHBOURHOOD.tariff, 0n],
    }),
  );
  const meters = DEMO_NEIGHBOURHOOD.households.map((household) => ({
    meteringPointId: household.meteringPointId,
    meterId: meterId(demoSalt(household.meteringPointId), household.meteringPointId),
    owner: devAccount(household.accountIndex).address,
  }));
  for (const meter of meters) {
    await send(
      wallet.writeContract({
        chain: null,
        address: meterRegistry,
        abi: meterRegistryAbi,
        functionName: "registerMeter",
        args: [meter.meterId, neighbourhood, meter.owner],
      }),
    );
    await topUp(meter.owner, DEMO_TOP_UP);
  }
  await topUp(devAccount(DEV_ACCOUNT_INDEX.treasury).address, DEMO_TREASURY_FLOAT);

  const directory: MeterDirectory = {
    neighbourhoods: [{ slug: DEMO_NEIGHBOURHOOD.slug, id: neighbourhood, meters }],
  };
  writeFileSync(join(runtimeDir, "meters.json"), JSON.stringify(directory, null, 2) + "\n");
  return directory;
}
