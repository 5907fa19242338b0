import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { neighbourhoodId } from "@nachbarstrom/core/ids";
import { dayRange } from "../statements/calendar.ts";
import { parseNoticeDays, tariffArgument, validateInitialTariff, validateRegistration } from "./registration.ts";

const TARIFF = {
  effectiveDate: "2026-01-01",
  gridEnergy: "16.6",
  gridFee: "11.2",
  localGridFee: "4.48",
  electricityTax: "2.05",
  concessionFee: "1.32",
  levies: "1.5",
  feedInPrice: "7.9",
  communityPrice: "25",
  vatPercent: "19",
};
const VALID = {
  slug: "burtscheid-sued",
  allocationKey: "staticShares",
  tariffNoticeDays: "28",
  contractNoticeDays: "14",
  costCap: true,
  ...TARIFF,
};
const free = () => false;

describe("registering a neighbourhood", () => {
  it("answers registerNeighbourhood's and setInitialTariff's arguments", () => {
    const result = validateRegistration(VALID, free);
    assert.ok(result.ok);
    assert.equal(result.id, neighbourhoodId("burtscheid-sued"));
    assert.deepEqual(result.rules, {
      exists: true,
      allocationKey: 1,
      tariffNoticeIntervals: 2688,
      contractNoticeIntervals: 1344,
      costCap: true,
    });
    assert.equal(result.initial.effectiveFrom, dayRange("2026-01-01").from.toString());
    assert.equal(result.initial.tariff.gridEnergy, "166000");
    assert.equal(result.initial.tariff.vatBasisPoints, 1900);
    assert.equal(tariffArgument(result.initial).communityPrice, 250_000n);
  });

  it("refuses a slug the directory would not take, and names the value", () => {
    for (const slug of ["Burtscheid", "süd", "a b", "", "x".repeat(65)]) {
      const result = validateRegistration({ ...VALID, slug }, free);
      assert.ok(!result.ok, slug);
      assert.deepEqual(
        result.errors.map((e) => [e.field, e.message, e.value]),
        [["slug", "neighbourhoods.error.slug", slug]],
      );
    }
  });

  it("refuses a slug that is taken, asking with its id", () => {
    const asked: unknown[] = [];
    const result = validateRegistration(VALID, (slug, id) => {
      asked.push([slug, id]);
      return true;
    });
    assert.ok(!result.ok);
    assert.deepEqual(asked, [["burtscheid-sued", neighbourhoodId("burtscheid-sued")]]);
    assert.deepEqual(result.errors[0], {
      field: "slug",
      value: "burtscheid-sued",
      message: "neighbourhoods.error.taken",
    });
  });

  it("refuses every bad rule and tariff field at once, as the tariff form does", () => {
    const result = validateRegistration(
      {
        ...VALID,
        allocationKey: "byMood",
        tariffNoticeDays: "2.5",
        contractNoticeDays: "3651",
        feedInPrice: "30",
        vatPercent: "101",
        effectiveDate: "2026-02-30",
      },
      free,
    );
    assert.ok(!result.ok);
    assert.deepEqual(
      result.errors.map((e) => `${e.field}:${e.message}`),
      [
        "allocationKey:neighbourhoods.error.allocation",
        "tariffNoticeDays:neighbourhoods.error.days",
        "contractNoticeDays:neighbourhoods.error.days",
        "feedInPrice:operator.announce.error.feedInAboveCommunity",
        "vatPercent:operator.announce.error.vat",
        "effectiveDate:operator.announce.error.date",
      ],
    );
  });

  it("takes the cost cap only when switched on", () => {
    for (const [costCap, expected] of [
      [undefined, false],
      [false, false],
      ["on", true],
      ["yes please", false],
    ] as const) {
      const result = validateRegistration({ ...VALID, costCap }, free);
      assert.ok(result.ok);
      assert.equal(result.rules.costCap, expected, String(costCap));
    }
  });

  it("reads notice periods as whole days up to ten years", () => {
    assert.equal(parseNoticeDays("0"), 0);
    assert.equal(parseNoticeDays("3650"), 3650);
    assert.equal(parseNoticeDays("3651"), undefined);
    assert.equal(parseNoticeDays("-1"), undefined);
    assert.equal(parseNoticeDays("28 "), undefined);
  });
});

describe("an initial tariff", () => {
  it("needs no notice period: any real day will do", () => {
    const hood = neighbourhoodId("nord");
    const result = validateInitialTariff({ ...TARIFF, effectiveDate: "2000-01-01" }, hood);
    assert.ok(result.ok);
    assert.equal(result.initial.effectiveFrom, dayRange("2000-01-01").from.toString());
  });

  it("refuses a bad price next to its field", () => {
    const result = validateInitialTariff({ ...TARIFF, levies: "1,23456" }, neighbourhoodId("nord"));
    assert.ok(!result.ok);
    assert.deepEqual(result.errors, [{ field: "levies", value: "1,23456", message: "operator.announce.error.price" }]);
  });
});
