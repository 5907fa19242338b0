import { testStoreLocation } from "@nachbarstrom/core/database/test";
import { openReadModelStore, type ReadModelDb } from "../read-model/store.ts";

export const HOOD_A = `0x${"a1".repeat(32)}` as const;
export const HOOD_B = `0x${"b2".repeat(32)}` as const;
/** Checksummed, as the indexer stores addresses. */
export const ALICE = "0x00000000000000000000000000000000000A11cE" as const;
export const BOB = "0x0000000000000000000000000000000000000B0b" as const;
export const meterId = (n: number, hood: string = HOOD_A): `0x${string}` =>
  `0x${hood.slice(2, 4)}${String(n).padStart(62, "0")}`;
export const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** A fresh read model (a SQLite file, or a PostgreSQL database under test:postgres); `done()` closes it. */
export async function fixtureDb(): Promise<{ db: ReadModelDb; done: () => Promise<void> }> {
  const store = await openReadModelStore({ location: await testStoreLocation("read-model") });
  return { db: store.db, done: () => store.close() };
}

const where = (block: number, logIndex = 0) => ({
  block_number: BigInt(block),
  log_index: BigInt(logIndex),
  transaction_hash: tx(block),
});

export async function addNeighbourhood(db: ReadModelDb, hood: string, block = 1): Promise<void> {
  await db
    .insertInto("neighbourhoods")
    .values({
      neighbourhood: hood,
      allocation_key: 0n,
      tariff_notice_intervals: 96n,
      contract_notice_intervals: 96n,
      cost_cap: 0n,
      ...where(block),
    })
    .execute();
}

export async function addMeter(
  db: ReadModelDb,
  m: { hood?: string; number: number; owner: string; block?: number; retired?: number },
): Promise<void> {
  const hood = m.hood ?? HOOD_A;
  await db
    .insertInto("meters")
    .values({
      meter: meterId(m.number, hood),
      neighbourhood: hood,
      owner: m.owner,
      number: BigInt(m.number),
      retired_block: m.retired === undefined ? null : BigInt(m.retired),
      replaced_by: null,
      ...where(m.block ?? 2, m.number),
    })
    .execute();
}

export async function addInterval(
  db: ReadModelDb,
  i: {
    hood?: string;
    interval: bigint;
    block: number;
    meterCount: number;
    importWh?: number;
    exportWh?: number;
    localWh?: number;
  },
): Promise<void> {
  await db
    .insertInto("intervals")
    .values({
      neighbourhood: i.hood ?? HOOD_A,
      interval: i.interval,
      commitment: `0x${"c".repeat(64)}`,
      batch_key: `0x${"d".repeat(64)}`,
      meter_count: BigInt(i.meterCount),
      import_wh: BigInt(i.importWh ?? 0),
      export_wh: BigInt(i.exportWh ?? 0),
      local_wh: BigInt(i.localWh ?? 0),
      ...where(i.block, 99),
    })
    .execute();
}

export type MeterResultFixture = {
  hood?: string;
  interval: bigint;
  number: number;
  block: number;
  importWh?: number;
  exportWh?: number;
  contractBought?: number;
  contractSold?: number;
  poolBought?: number;
  poolSold?: number;
  debit?: number;
  credit?: number;
};

export async function addMeterResult(db: ReadModelDb, r: MeterResultFixture): Promise<void> {
  await db
    .insertInto("meter_intervals")
    .values({
      neighbourhood: r.hood ?? HOOD_A,
      interval: r.interval,
      number: BigInt(r.number),
      chunk: 0n,
      position: BigInt(r.number - 1),
      import_wh: BigInt(r.importWh ?? 0),
      export_wh: BigInt(r.exportWh ?? 0),
      contract_bought_wh: BigInt(r.contractBought ?? 0),
      contract_sold_wh: BigInt(r.contractSold ?? 0),
      pool_bought_wh: BigInt(r.poolBought ?? 0),
      pool_sold_wh: BigInt(r.poolSold ?? 0),
      debit: BigInt(r.debit ?? 0),
      credit: BigInt(r.credit ?? 0),
      ...where(r.block),
    })
    .execute();
}

export async function addCorrection(
  db: ReadModelDb,
  c: {
    hood?: string;
    interval: bigint;
    number: number;
    block: number;
    importWh: number;
    exportWh: number;
    debit: number;
    credit: number;
    change: number;
    reason?: string;
  },
): Promise<void> {
  await db
    .insertInto("corrections")
    .values({
      neighbourhood: c.hood ?? HOOD_A,
      interval: c.interval,
      number: BigInt(c.number),
      import_wh: BigInt(c.importWh),
      export_wh: BigInt(c.exportWh),
      debit: BigInt(c.debit),
      credit: BigInt(c.credit),
      change: BigInt(c.change),
      reason: c.reason ?? "replacement value",
      ...where(c.block),
    })
    .execute();
}

export async function addTopUp(db: ReadModelDb, account: string, amount: number, block: number): Promise<void> {
  await db
    .insertInto("credit_movements")
    .values({ account, kind: "top-up", amount: BigInt(amount), repaid: 0n, ...where(block) })
    .execute();
}

export async function addCostCap(
  db: ReadModelDb,
  c: { hood?: string; month: number; number: number; credited: number; block: number },
): Promise<void> {
  await db
    .insertInto("cost_cap_credits")
    .values({
      neighbourhood: c.hood ?? HOOD_A,
      month: BigInt(c.month),
      number: BigInt(c.number),
      paid: 0n,
      grid_only: 0n,
      credited: BigInt(c.credited),
      ...where(c.block),
    })
    .execute();
}

export async function addTariff(
  db: ReadModelDb,
  hood: string,
  effectiveFrom: bigint,
  gridEnergy: number,
  block: number,
): Promise<void> {
  await db
    .insertInto("tariffs")
    .values({
      neighbourhood: hood,
      effective_from: effectiveFrom,
      grid_energy: BigInt(gridEnergy),
      grid_fee: 110000n,
      local_grid_fee: 30000n,
      electricity_tax: 20500n,
      concession_fee: 16600n,
      levies: 30000n,
      feed_in_price: 79000n,
      community_price: 250000n,
      vat_basis_points: 1900n,
      ...where(block),
    })
    .execute();
}
