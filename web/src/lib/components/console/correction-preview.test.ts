import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEMO_TARIFF } from "@nachbarstrom/core/demo";
import { pricesOf } from "@nachbarstrom/core/tariff";
import { parseKwh, previewCorrection } from "./correction-preview.ts";

const original = {
  number: 4,
  importWh: 300n,
  exportWh: 50n,
  contractBoughtWh: 20n,
  contractSoldWh: 0n,
  poolBoughtWh: 100n,
  poolSoldWh: 10n,
  debit: 90_000n,
  credit: 4_000n,
};

describe("parseKwh", () => {
  it("reads kWh with a dot or a comma and up to three decimals as Wh", () => {
    assert.equal(parseKwh("1,234"), 1234n);
    assert.equal(parseKwh(" 0.5 "), 500n);
    assert.equal(parseKwh("12"), 12_000n);
  });
  it("refuses negatives, four decimals, words and more than uint32 Wh", () => {
    for (const text of ["-1", "1.2345", "abc", "", "4294968"]) assert.equal(parseKwh(text), undefined, text);
    assert.equal(parseKwh("4294967.295"), 0xffff_ffffn);
  });
});

describe("previewCorrection", () => {
  it("prices extra import at the gross grid price and moves the difference from the owner", () => {
    const preview = previewCorrection({ original, tariff: DEMO_TARIFF, importWh: 1300n, exportWh: 50n });
    const { gridNet, vatFactor } = pricesOf(DEMO_TARIFF);
    const extra = (1000n * gridNet * vatFactor) / 10_000_000n;
    assert.deepEqual(preview, { ok: true, debit: 90_000n + extra, credit: 4_000n, change: -extra });
  });

  it("measures the change against the newest correction, not the original", () => {
    const first = previewCorrection({ original, tariff: DEMO_TARIFF, importWh: 1300n, exportWh: 50n });
    assert.ok(first.ok);
    const latest = { importWh: 1300n, exportWh: 50n, debit: first.debit, credit: first.credit };
    const back = previewCorrection({ original, latest, tariff: DEMO_TARIFF, importWh: 300n, exportWh: 50n });
    assert.deepEqual(back, { ok: true, debit: 90_000n, credit: 4_000n, change: -first.change });
  });

  it("refuses below the locally traded energy, naming the field and the traded energy", () => {
    assert.deepEqual(previewCorrection({ original, tariff: DEMO_TARIFF, importWh: 119n, exportWh: 50n }), {
      ok: false,
      field: "importKwh",
      problem: "correction.error.belowLocal",
      tradedWh: 120n,
    });
    const lowExport = previewCorrection({ original, tariff: DEMO_TARIFF, importWh: 300n, exportWh: 9n });
    assert.equal(lowExport.ok ? undefined : lowExport.field, "exportKwh");
  });

  it("refuses the figures as they stand", () => {
    const same = previewCorrection({ original, tariff: DEMO_TARIFF, importWh: 300n, exportWh: 50n });
    assert.equal(same.ok ? undefined : same.problem, "correction.error.unchanged");
  });
});
