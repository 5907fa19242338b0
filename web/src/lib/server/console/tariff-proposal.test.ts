import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Hex } from "viem";
import { dayRange } from "../statements/calendar.ts";
import {
  firstDayFrom,
  parseCents,
  parsePercent,
  validateTariffProposal,
  type AnnounceRules,
  type TariffProposalInput,
} from "./tariff-proposal.ts";

const HOOD = `0x${"ab".repeat(32)}` as Hex;
/** 2026-06-01 00:00 German summer time = 2026-05-31 22:00 UTC. */
const JUNE_FIRST = BigInt(Date.UTC(2026, 4, 31, 22) / 1000 / 900);

const valid: TariffProposalInput = {
  neighbourhood: HOOD,
  effectiveDate: "2026-06-01",
  gridEnergy: "16.6",
  gridFee: "11",
  localGridFee: "4,4",
  electricityTax: "2.05",
  concessionFee: "1.32",
  levies: "2.651",
  feedInPrice: "7.9",
  communityPrice: "11.0000",
  vatPercent: "19",
};
const rules = (earliest: bigint, last?: bigint): AnnounceRules => ({ earliest, last, noticeIntervals: 2688 });

describe("a tariff proposal", () => {
  it("becomes announceTariff's exact arguments: micro-euro per kWh, basis points, the day's first interval", () => {
    const result = validateTariffProposal(valid, [HOOD], rules(JUNE_FIRST, JUNE_FIRST - 1n));
    assert.deepEqual(result, {
      ok: true,
      call: {
        functionName: "announceTariff",
        neighbourhood: HOOD,
        tariff: {
          gridEnergy: "166000",
          gridFee: "110000",
          localGridFee: "44000",
          electricityTax: "20500",
          concessionFee: "13200",
          levies: "26510",
          feedInPrice: "79000",
          communityPrice: "110000",
          vatBasisPoints: 1900,
        },
        effectiveFrom: JUNE_FIRST.toString(),
      },
    });
    assert.equal(dayRange("2026-06-01").from, JUNE_FIRST);
  });

  it("names each refused field with its value", () => {
    const result = validateTariffProposal(
      {
        ...valid,
        neighbourhood: "0x12",
        gridFee: "-1",
        levies: "1.23456",
        vatPercent: "101",
        effectiveDate: "2026-02-30",
      },
      [HOOD],
      undefined,
    );
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.errors.map(({ field, value, message }) => [field, value, message]), [
      ["neighbourhood", "0x12", "operator.announce.error.neighbourhood"],
      ["gridFee", "-1", "operator.announce.error.price"],
      ["levies", "1.23456", "operator.announce.error.price"],
      ["vatPercent", "101", "operator.announce.error.vat"],
      ["effectiveDate", "2026-02-30", "operator.announce.error.date"],
    ]);
  });

  it("refuses a feed-in price above the community price (TariffInvalid on chain)", () => {
    const result = validateTariffProposal({ ...valid, feedInPrice: "12" }, [HOOD], rules(0n));
    assert.deepEqual(!result.ok && result.errors, [
      {
        field: "feedInPrice",
        value: "12",
        message: "operator.announce.error.feedInAboveCommunity",
        params: { community: "11.0000" },
      },
    ]);
  });

  it("refuses a day within the notice period and names the earliest day", () => {
    const result = validateTariffProposal(valid, [HOOD], rules(JUNE_FIRST + 1n));
    assert.deepEqual(!result.ok && result.errors, [
      {
        field: "effectiveDate",
        value: "2026-06-01",
        message: "operator.announce.error.notice",
        params: { earliest: "2026-06-02", notice: "2688" },
      },
    ]);
  });

  it("refuses a day not after the newest announced tariff (TariffNotAfterLast)", () => {
    const result = validateTariffProposal(valid, [HOOD], rules(0n, JUNE_FIRST));
    assert.deepEqual(!result.ok && result.errors.map((e) => [e.message, e.params?.earliest]), [
      ["operator.announce.error.notAfterLast", "2026-06-02"],
    ]);
  });

  it("reads prices and VAT exactly, without floating point", () => {
    assert.equal(parseCents("0"), 0n);
    assert.equal(parseCents("0.0001"), 1n);
    assert.equal(parseCents("1844674407370955.1615"), 2n ** 64n - 1n);
    assert.equal(parseCents("1844674407370955.1616"), undefined);
    assert.equal(parseCents("1e3"), undefined);
    assert.equal(parseCents(""), undefined);
    assert.equal(parsePercent("7,5"), 750);
    assert.equal(parsePercent("100"), 10_000);
    assert.equal(parsePercent("100.01"), undefined);
    assert.equal(firstDayFrom(JUNE_FIRST), "2026-06-01");
    assert.equal(firstDayFrom(JUNE_FIRST - 1n), "2026-06-01");
  });
});
