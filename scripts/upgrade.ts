/**
 * Moves an installation from one version of its contracts to the next without losing anything
 * (ADR 0009): the timelock retires the running version and binds the new one to it (one operation);
 * anyone then copies the old version's state into the new one, each item read on chain from the old
 * version; the timelock puts the new version live, which each contract refuses until its copy is
 * complete and, for the credit, the positions add up to the credit issued.
 *
 *   node scripts/upgrade.ts schedule  <from.json> <to.json> <timelock>  proposer: schedules both operations
 *   node scripts/upgrade.ts hand-over <from.json> <to.json> <timelock>  executor, after the delay
 *   node scripts/upgrade.ts copy      <from.json> <to.json> <timelock>  anyone; run again to resume
 *   node scripts/upgrade.ts go-live   <from.json> <to.json> <timelock>  executor, once copied
 *   node scripts/upgrade.ts verify    <from.json> <to.json> <timelock>  compares both versions
 *
 * The deployment files are the running one and the one `contracts/ignition/modules/Upgrade.ts` wrote;
 * the key is NACHBARSTROM_MIGRATION_KEY (the timelock's proposer and executor for the timelock steps).
 */
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  keccak256,
  parseAbi,
  parseAbiParameters,
  toBytes,
  zeroHash,
  type Address,
  type Hex,
  type PublicClient,
  type WalletClient,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  costCapAbi,
  creditTokenAbi,
  meterRegistryAbi,
  powerContractsAbi,
  readDeployment,
  tariffScheduleAbi,
  type Deployment,
} from "@nachbarstrom/core";

export type Contracts = Deployment["contracts"];

/** Registry first: the others check, when bound, that the registry is bound, and copy by its numbers. */
export const MIGRATED = [
  "meterRegistry",
  "creditToken",
  "tariffSchedule",
  "powerContracts",
  "costCap",
  "neighbourhoodSettlement",
  "settlementCorrections",
] as const satisfies readonly (keyof Contracts)[];

export const migratableAbi = parseAbi([
  "function importFrom(address previous)",
  "function importNext(uint256 max)",
  "function goLive()",
  "function retire()",
  "function importComplete() view returns (bool)",
  "function migrationPhase() view returns (uint8)",
  "function previousVersion() view returns (address)",
  "function firstInterval() view returns (uint64)",
  "function retiredAt() view returns (uint64)",
]);

export const timelockAbi = parseAbi([
  "function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function executeBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) payable",
  "function hashOperationBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) pure returns (bytes32)",
  "function getMinDelay() view returns (uint256)",
]);

/** The errors a migration step may revert with, so a failure names its reason. */
const errorsAbi = parseAbi([
  "error MigrationNotCurrent(uint8 phase)",
  "error MigrationWrongPhase(uint8 phase, uint8 expected)",
  "error MigrationPreviousNotRetired(address previous)",
  "error MigrationMismatch(string field)",
  "error MigrationIncomplete(string what, uint256 copied, uint256 total)",
  "error MigrationTargetNotEmpty()",
  "error MigrationUnauthorized(address caller)",
  "error AccessControlUnauthorizedAccount(address account, bytes32 neededRole)",
  "error TimelockUnexpectedOperationState(bytes32 operationId, bytes32 expectedStates)",
  "error TimelockUnauthorizedCaller(address caller)",
  "error EnforcedPause()",
]);

/** One timelock operation: its calls, what it must follow, and its salt. */
export type Operation = { targets: Address[]; values: bigint[]; payloads: Hex[]; predecessor: Hex; salt: Hex };

const phases = ["fresh", "importing", "live", "retired"] as const;

/** Retires every contract of `from` and binds its successor in `to` to it, in one operation. */
export function handOverOperation(from: Contracts, to: Contracts): Operation {
  const calls = MIGRATED.flatMap((name) => [
    { target: from[name], data: encodeFunctionData({ abi: migratableAbi, functionName: "retire" }) },
    {
      target: to[name],
      data: encodeFunctionData({ abi: migratableAbi, functionName: "importFrom", args: [from[name]] }),
    },
  ]);
  return operation(calls, zeroHash, salt("hand-over", to));
}

/** Puts every contract of `to` live; follows the hand-over, fails while a copy is incomplete. */
export function goLiveOperation(from: Contracts, to: Contracts): Operation {
  const calls = MIGRATED.map((name) => ({
    target: to[name],
    data: encodeFunctionData({ abi: migratableAbi, functionName: "goLive" }),
  }));
  return operation(calls, operationId(handOverOperation(from, to)), salt("go-live", to));
}

export function operationId(op: Operation): Hex {
  return keccak256(
    encodeAbiParameters(parseAbiParameters("address[], uint256[], bytes[], bytes32, bytes32"), [
      op.targets,
      op.values,
      op.payloads,
      op.predecessor,
      op.salt,
    ]),
  );
}

/** Schedules `op` on the timelock with its minimum delay. The wallet must be a proposer. */
export async function schedule(client: PublicClient, wallet: WalletClient, timelock: Address, op: Operation) {
  const delay = await client.readContract({ address: timelock, abi: timelockAbi, functionName: "getMinDelay" });
  await send(client, wallet, {
    address: timelock,
    abi: timelockAbi,
    functionName: "scheduleBatch",
    args: [op.targets, op.values, op.payloads, op.predecessor, op.salt, delay],
  });
}

/** Executes `op` once its delay has passed. The wallet must be an executor. */
export async function execute(client: PublicClient, wallet: WalletClient, timelock: Address, op: Operation) {
  await send(client, wallet, {
    address: timelock,
    abi: timelockAbi,
    functionName: "executeBatch",
    args: [op.targets, op.values, op.payloads, op.predecessor, op.salt],
  });
}

/**
 * Copies every contract of `to` from its predecessor, `batch` items per transaction, until each reports
 * its copy complete. Each call continues where the last ended, so running it again resumes an
 * interrupted copy. Returns the number of transactions sent.
 */
export async function copy(
  client: PublicClient,
  wallet: WalletClient,
  to: Contracts,
  { batch = 50n, maxTransactions = Infinity }: { batch?: bigint; maxTransactions?: number } = {},
): Promise<number> {
  let sent = 0;
  for (const name of MIGRATED) {
    const address = to[name];
    while (!(await client.readContract({ address, abi: migratableAbi, functionName: "importComplete" }))) {
      if (sent >= maxTransactions) return sent;
      await send(client, wallet, { address, abi: migratableAbi, functionName: "importNext", args: [batch] });
      sent++;
    }
  }
  return sent;
}

/** Each contract's phase, by name. */
export async function phasesOf(client: PublicClient, version: Contracts) {
  const entries = await Promise.all(
    MIGRATED.map(async (name) => {
      const phase = await client.readContract({
        address: version[name],
        abi: migratableAbi,
        functionName: "migrationPhase",
      });
      return [name, phases[phase]] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<(typeof MIGRATED)[number], (typeof phases)[number]>;
}

/**
 * Everything `to` should hold of `from`, read from both: the registry (neighbourhoods, accounts,
 * meters with both records), every credit position, the treasury's and `issued`, every tariff
 * history, every power contract and the meters' contract lists, and the cost cap's open months.
 * Returns the differences, each as "what: old ≠ new"; empty when the copy is exact.
 */
export async function compareVersions(client: PublicClient, from: Contracts, to: Contracts): Promise<string[]> {
  const differences: string[] = [];
  const read = <T>(address: Address, abi: readonly unknown[], functionName: string, args: readonly unknown[] = []) =>
    client.readContract({ address, abi, functionName, args } as never) as Promise<T>;
  const same = async (
    what: string,
    abi: readonly unknown[],
    fn: string,
    args: readonly unknown[],
    key: keyof Contracts,
  ) => {
    const [a, b] = await Promise.all([read(from[key], abi, fn, args), read(to[key], abi, fn, args)]);
    const [x, y] = [stringify(a), stringify(b)];
    if (x !== y) differences.push(`${what}: ${x} ≠ ${y}`);
  };
  const [hoods, meters, accounts] = await read<[number, number, number]>(
    from.meterRegistry,
    meterRegistryAbi,
    "counts",
  );
  await same("registry counts", meterRegistryAbi, "counts", [], "meterRegistry");
  for (let n = 1; n <= hoods; n++) {
    const id = await read<Hex>(from.meterRegistry, meterRegistryAbi, "neighbourhoodIdOf", [n]);
    await same(`neighbourhood ${n}`, meterRegistryAbi, "neighbourhoodOf", [id], "meterRegistry");
    await same(`meters in neighbourhood ${n}`, meterRegistryAbi, "metersIn", [id], "meterRegistry");
    await same(`tariffs of neighbourhood ${n}`, tariffScheduleAbi, "tariffHistory", [id], "tariffSchedule");
  }
  for (let n = 1; n <= accounts; n++) {
    const account = await read<Address>(from.meterRegistry, meterRegistryAbi, "accountOf", [n]);
    await same(`account ${n}`, meterRegistryAbi, "accountNumberOf", [account], "meterRegistry");
    await same(`position of account ${n}`, creditTokenAbi, "positionOf", [account], "creditToken");
  }
  await same("treasury position", creditTokenAbi, "treasuryPosition", [], "creditToken");
  await same("issued", creditTokenAbi, "issued", [], "creditToken");
  const first = await read<bigint>(to.neighbourhoodSettlement, migratableAbi, "firstInterval");
  const month = await read<number>(to.costCap, costCapAbi, "monthOf", [first]);
  const before = month % 100 === 1 ? (Math.floor(month / 100) - 1) * 100 + 12 : month - 1;
  for (let n = 1; n <= meters; n++) {
    const [meter] = await read<[Hex]>(from.meterRegistry, meterRegistryAbi, "meterRecordsOf", [n]);
    const { neighbourhood } = await read<{ neighbourhood: Hex }>(from.meterRegistry, meterRegistryAbi, "meterOf", [
      meter,
    ]);
    await same(`records of meter ${n}`, meterRegistryAbi, "meterRecordsOf", [n], "meterRegistry");
    await same(`contracts sold by meter ${n}`, powerContractsAbi, "contractsSoldBy", [meter], "powerContracts");
    await same(`contracts bought by meter ${n}`, powerContractsAbi, "contractsBoughtBy", [meter], "powerContracts");
    for (const m of [before, month]) {
      await same(`cost cap ${m} of meter ${n}`, costCapAbi, "monthAccountOf", [neighbourhood, m, n], "costCap");
    }
  }
  await same("next power contract id", powerContractsAbi, "nextId", [], "powerContracts");
  const next = await read<bigint>(from.powerContracts, powerContractsAbi, "nextId");
  for (let id = 1n; id < next; id++) {
    await same(`power contract ${id}`, powerContractsAbi, "contractOf", [id], "powerContracts");
  }
  return differences;
}

function operation(calls: { target: Address; data: Hex }[], predecessor: Hex, salt: Hex): Operation {
  return {
    targets: calls.map((c) => c.target),
    values: calls.map(() => 0n),
    payloads: calls.map((c) => c.data),
    predecessor,
    salt,
  };
}

/** Salts tied to the new version, so the same steps for another target are other operations. */
function salt(step: string, to: Contracts): Hex {
  return keccak256(toBytes(`nachbarstrom.upgrade.${step}.${to.meterRegistry.toLowerCase()}`));
}

async function send(client: PublicClient, wallet: WalletClient, call: Parameters<PublicClient["simulateContract"]>[0]) {
  const abi = [...call.abi, ...errorsAbi];
  const { request } = await client.simulateContract({ ...call, abi, account: wallet.account } as never);
  const hash = await wallet.writeContract(request as never);
  const receipt = await client.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`transaction ${hash} to ${call.address} reverted`);
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? v.toString() : v));
}

async function main([step, fromFile, toFile, timelock]: string[]) {
  const steps = ["schedule", "hand-over", "copy", "go-live", "verify"];
  if (!steps.includes(step) || !fromFile || !toFile || !/^0x[0-9a-fA-F]{40}$/.test(timelock ?? "")) {
    throw new Error(`usage: node scripts/upgrade.ts <${steps.join("|")}> <from.json> <to.json> <timelock address>`);
  }
  const from = readDeployment(fromFile);
  const to = readDeployment(toFile);
  if (from.chainId !== to.chainId) throw new Error(`${fromFile} and ${toFile} name different chains`);
  const client = createPublicClient({ transport: http(to.rpcUrl) }) as PublicClient;
  const key = process.env.NACHBARSTROM_MIGRATION_KEY as Hex | undefined;
  const wallet = key && createWalletClient({ account: privateKeyToAccount(key), transport: http(to.rpcUrl) });
  const needWallet = (): WalletClient => {
    if (!wallet) throw new Error(`step "${step}" sends transactions: set NACHBARSTROM_MIGRATION_KEY`);
    return wallet as WalletClient;
  };
  const lock = timelock as Address;
  if (step === "schedule") {
    await schedule(client, needWallet(), lock, handOverOperation(from.contracts, to.contracts));
    await schedule(client, needWallet(), lock, goLiveOperation(from.contracts, to.contracts));
    console.log("scheduled hand-over and go-live; execute them after the timelock's delay");
  } else if (step === "hand-over") {
    await execute(client, needWallet(), lock, handOverOperation(from.contracts, to.contracts));
  } else if (step === "copy") {
    console.log(`copied in ${await copy(client, needWallet(), to.contracts)} transactions`);
  } else if (step === "go-live") {
    await execute(client, needWallet(), lock, goLiveOperation(from.contracts, to.contracts));
  }
  const compared = step === "copy" || step === "go-live" || step === "verify";
  const differences = !compared ? [] : await compareVersions(client, from.contracts, to.contracts);
  console.log(JSON.stringify(await phasesOf(client, to.contracts)));
  for (const d of differences) console.error(d);
  if (differences.length > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
