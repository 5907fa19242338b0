import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { openReadModelStore } from "../read-model/store.ts";

export const HOOD_A = `0x${"a1".repeat(32)}` as const;
export const HOOD_B = `0x${"b2".repeat(32)}` as const;
export const ALICE = "0x00000000000000000000000000000000000A11CE" as const;
export const BOB = "0x0000000000000000000000000000000000000B0B" as const;
export const meterId = (n: number, hood: string = HOOD_A): `0x${string}` =>
  `0x${hood.slice(2, 4)}${String(n).padStart(62, "0")}`;
export const tx = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;

/** A fresh read model in a temporary directory; `done()` closes and deletes it. */
export function fixtureDb(): { db: DatabaseSync; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "console-"));
  const store = openReadModelStore({ file: join(dir, "read-model.db") });
  return {
    db: store.db,
    done: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function addNeighbourhood(db: DatabaseSync, hood: string, block = 1): void {
  db.prepare("INSERT INTO neighbourhoods VALUES (?, 0, 96, 96, 0, ?, 0, ?)").run(hood, block, tx(block));
}

export function addMeter(
  db: DatabaseSync,
  m: { hood?: string; number: number; owner: string; block?: number; retired?: number },
): void {
  const hood = m.hood ?? HOOD_A;
  const block = m.block ?? 2;
  db.prepare("INSERT INTO meters VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)").run(
    meterId(m.number, hood),
    hood,
    m.owner,
    m.number,
    m.retired ?? null,
    block,
    m.number,
    tx(block),
  );
}

export function addInterval(
  db: DatabaseSync,
  i: {
    hood?: string;
    interval: bigint;
    block: number;
    meterCount: number;
    importWh?: number;
    exportWh?: number;
    localWh?: number;
  },
): void {
  db.prepare("INSERT INTO intervals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 99, ?)").run(
    i.hood ?? HOOD_A,
    i.interval,
    `0x${"c".repeat(64)}`,
    `0x${"d".repeat(64)}`,
    i.meterCount,
    i.importWh ?? 0,
    i.exportWh ?? 0,
    i.localWh ?? 0,
    i.block,
    tx(i.block),
  );
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

export function addMeterResult(db: DatabaseSync, r: MeterResultFixture): void {
  db.prepare("INSERT INTO meter_intervals VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)").run(
    r.hood ?? HOOD_A,
    r.interval,
    r.number,
    r.number - 1,
    r.importWh ?? 0,
    r.exportWh ?? 0,
    r.contractBought ?? 0,
    r.contractSold ?? 0,
    r.poolBought ?? 0,
    r.poolSold ?? 0,
    r.debit ?? 0,
    r.credit ?? 0,
    r.block,
    tx(r.block),
  );
}

export function addCorrection(
  db: DatabaseSync,
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
): void {
  db.prepare("INSERT INTO corrections VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
    c.block,
    c.hood ?? HOOD_A,
    c.interval,
    c.number,
    c.importWh,
    c.exportWh,
    c.debit,
    c.credit,
    c.change,
    c.reason ?? "replacement value",
    tx(c.block),
  );
}

export function addTopUp(db: DatabaseSync, account: string, amount: number, block: number): void {
  db.prepare("INSERT INTO credit_movements VALUES (?, 0, ?, 'top-up', ?, 0, ?)").run(block, account, amount, tx(block));
}

export function addCostCap(
  db: DatabaseSync,
  c: { hood?: string; month: number; number: number; credited: number; block: number },
): void {
  db.prepare("INSERT INTO cost_cap_credits VALUES (?, 0, ?, ?, ?, 0, 0, ?, ?)").run(
    c.block,
    c.hood ?? HOOD_A,
    c.month,
    c.number,
    c.credited,
    tx(c.block),
  );
}

export function addTariff(
  db: DatabaseSync,
  hood: string,
  effectiveFrom: bigint,
  gridEnergy: number,
  block: number,
): void {
  db.prepare(
    "INSERT INTO tariffs VALUES (?, ?, ?, 110000, 30000, 20500, 16600, 30000, 79000, 250000, 1900, ?, 0, ?)",
  ).run(hood, effectiveFrom, gridEnergy, block, tx(block));
}
