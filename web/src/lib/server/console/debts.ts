import { sql } from "@nachbarstrom/core/database";
import { creditTokenAbi } from "@nachbarstrom/core/abi";
import { getAddress, type Address, type Hex } from "viem";
import type { ChainContext } from "../chain.ts";
import { allRows, intColumn, textColumn, type ReadModelDb } from "../read-model/store.ts";

/** A household in debt: its signed position is below zero. Amounts in credit base units. */
export type DebtRow = {
  account: Address;
  meters: Hex[];
  /** −positionOf, > 0. */
  debt: bigint;
  /** The settled interval whose settlement (or correction) took the position below zero this time; undefined when not derivable. */
  since?: bigint;
};

/** One money event of an account, in chain order, as the read model holds it. */
export type MoneyEvent = { amount: bigint; interval?: bigint };

/** How many positionOf calls run at once. */
const POSITION_CONCURRENCY = 25;

/**
 * Households (meter owners) with a negative position on the chain (CreditToken.positionOf: current
 * state, one call per household), largest debt first; since when, from the read model's money events.
 */
export async function readDebts({ client, deployment }: ChainContext, db: ReadModelDb): Promise<DebtRow[]> {
  const owners = await meterOwners(db);
  const positions: bigint[] = [];
  for (let i = 0; i < owners.length; i += POSITION_CONCURRENCY) {
    const batch = owners.slice(i, i + POSITION_CONCURRENCY);
    positions.push(
      ...(await Promise.all(
        batch.map(({ account }) =>
          client.readContract({
            address: deployment.contracts.creditToken,
            abi: creditTokenAbi,
            functionName: "positionOf",
            args: [account],
          }),
        ),
      )),
    );
  }
  const inDebt = owners.map((owner, i) => ({ ...owner, position: positions[i] })).filter((o) => o.position < 0n);
  const events = new Map<Address, MoneyEvent[]>();
  for (const { account } of inDebt) events.set(account, await moneyEvents(db, account));
  return debtRows(inDebt, (account) => events.get(account) ?? []);
}

/** The owners with a negative position, largest debt first (then by account), with since when. */
export function debtRows(
  owners: readonly { account: Address; meters: Hex[]; position: bigint }[],
  eventsOf: (account: Address) => MoneyEvent[],
): DebtRow[] {
  return owners
    .filter(({ position }) => position < 0n)
    .map(({ account, meters, position }) => ({
      account,
      meters,
      debt: -position,
      since: debtSince(eventsOf(account), position),
    }))
    .sort((a, b) => (a.debt === b.debt ? (a.account < b.account ? -1 : 1) : a.debt > b.debt ? -1 : 1));
}

/**
 * The interval of the event after which the running position last went from ≥ 0 to < 0 and stayed
 * there; undefined when the events do not add up to `position` (the read model is behind or misses
 * something) or that event has no interval.
 */
export function debtSince(events: readonly MoneyEvent[], position: bigint): bigint | undefined {
  let running = 0n;
  let since: MoneyEvent | undefined;
  for (const event of events) {
    const before = running;
    running += event.amount;
    if (running < 0n && before >= 0n) since = event;
    if (running >= 0n) since = undefined;
  }
  return running === position ? since?.interval : undefined;
}

/** Every account that owns a meter, with its meter ids, in order of first registration. */
async function meterOwners(db: ReadModelDb): Promise<{ account: Address; meters: Hex[] }[]> {
  const owners = new Map<string, { account: Address; meters: Hex[] }>();
  for (const row of await allRows(db, sql`SELECT meter, owner FROM meters ORDER BY block_number, log_index`)) {
    const account = textColumn(row, "owner") as Address;
    const key = account.toLowerCase();
    const entry = owners.get(key) ?? { account, meters: [] };
    entry.meters.push(textColumn(row, "meter") as Hex);
    owners.set(key, entry);
  }
  return [...owners.values()];
}

/**
 * An account's money events in chain order, as derivedPosition (read-model/queries.ts) adds them up:
 * top-ups and pay-outs, settled results (credit − debit), corrections' changes, and each cost-cap
 * credit's increase over the month's previous total.
 */
export async function moneyEvents(db: ReadModelDb, account: Address): Promise<MoneyEvent[]> {
  const owner = getAddress(account);
  const rows = await allRows(
    db,
    sql`WITH mine AS (SELECT neighbourhood, number FROM meters WHERE owner = ${owner}),
       events AS (
         SELECT block_number AS b, log_index AS l, 0 AS n, CAST(NULL AS BIGINT) AS interval,
                CASE kind WHEN 'top-up' THEN amount ELSE -amount END AS amount
           FROM credit_movements WHERE account = ${owner}
         UNION ALL
         SELECT mi.block_number, mi.log_index, mi.number, mi.interval, mi.credit - mi.debit
           FROM meter_intervals mi JOIN mine USING (neighbourhood, number)
         UNION ALL
         SELECT c.block_number, c.log_index, c.number, c.interval, c.change
           FROM corrections c JOIN mine USING (neighbourhood, number)
         UNION ALL
         SELECT cc.block_number, cc.log_index, cc.number, NULL,
                cc.credited - coalesce(lag(cc.credited) OVER (PARTITION BY cc.neighbourhood, cc.month, cc.number
                                                              ORDER BY cc.block_number, cc.log_index), 0)
           FROM cost_cap_credits cc JOIN mine USING (neighbourhood, number))
       SELECT amount, interval FROM events ORDER BY b, l, n`,
  );
  return rows.map((row) => ({
    amount: intColumn(row, "amount"),
    interval: row.interval === null ? undefined : intColumn(row, "interval"),
  }));
}
