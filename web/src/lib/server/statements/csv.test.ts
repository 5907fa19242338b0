import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_TARIFF } from "@nachbarstrom/core/demo";
import { berlinIso, statementCsv, STATEMENT_CSV_COLUMNS } from "./csv.ts";
import { priceAll, totalsOf } from "./priced.ts";
import type { OwnedMeterInterval } from "./queries.ts";

const hood = `0x${"aa".repeat(32)}` as const;
const meter = `0x${"bb".repeat(32)}` as const;
const interval = BigInt(Date.parse("2026-03-10T13:15:00Z") / 900_000);
const rows: OwnedMeterInterval[] = [
  {
    neighbourhood: hood,
    number: 1,
    meter,
    interval,
    importWh: 400n,
    exportWh: 0n,
    contractBoughtWh: 0n,
    contractSoldWh: 0n,
    poolBoughtWh: 150n,
    poolSoldWh: 0n,
    debit: 137_345n,
    credit: 0n,
  },
  {
    neighbourhood: hood,
    number: 1,
    meter,
    interval: interval + 1n,
    importWh: 0n,
    exportWh: 700n,
    contractBoughtWh: 0n,
    contractSoldWh: 0n,
    poolBoughtWh: 0n,
    poolSoldWh: 300n,
    debit: 0n,
    credit: 64_600n,
  },
];
const priced = priceAll(rows, [{ neighbourhood: hood, effectiveFrom: 0n, tariff: DEMO_TARIFF }]);

describe("statementCsv", () => {
  const csv = statementCsv(priced);
  const [header, ...lines] = csv.trimEnd().split("\r\n");
  const records = lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [STATEMENT_CSV_COLUMNS[i], v])));

  it("has a header row and one row per meter and interval", () => {
    assert.equal(header, STATEMENT_CSV_COLUMNS.join(","));
    assert.equal(records.length, 2);
    assert.ok(csv.endsWith("\r\n"));
    assert.equal(records[0].start_utc, "2026-03-10T13:15:00Z");
    assert.equal(records[0].start_local, "2026-03-10T14:15:00+01:00");
    assert.equal(records[0].grid_import_wh, "250");
    assert.equal(records[1].grid_export_wh, "400");
  });

  it("writes euros with a dot and six decimals that add up to the totals", () => {
    assert.equal(records[0].paid_eur, "0.137345");
    assert.equal(records[1].received_eur, "0.064600");
    const units = (column: string) => records.reduce((sum, r) => sum + BigInt(String(r[column]).replace(".", "")), 0n);
    const totals = totalsOf(priced);
    assert.equal(units("paid_eur"), totals.money.debit);
    assert.equal(units("received_eur"), totals.money.credit);
    assert.equal(units("grid_only_eur"), totals.money.gridOnlyCost);
    assert.equal(units("feed_in_only_eur"), totals.money.feedInOnlyIncome);
  });

  it("writes local time with the summer offset", () => {
    assert.equal(berlinIso(Date.parse("2026-07-01T08:00:00Z") / 1000), "2026-07-01T10:00:00+02:00");
  });
});
