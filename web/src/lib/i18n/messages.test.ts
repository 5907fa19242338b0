import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { areas, de, en } from "./catalogue.ts";
import { placeholdersOf, translate } from "./messages.ts";

describe("message files", () => {
  it("have the same keys in German and English", () => {
    assert.deepEqual(Object.keys(en).sort(), Object.keys(de).sort());
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(de) as (keyof typeof de)[]) {
      assert.deepEqual(placeholdersOf(en[key]), placeholdersOf(de[key]), key);
    }
  });

  it("define each key in one area's file only, in both languages", () => {
    for (const lang of ["de", "en"] as const) {
      const keys = Object.values(areas).flatMap((area) => Object.keys(area[lang]));
      assert.equal(new Set(keys).size, keys.length, `a key of ${lang} is in two files`);
    }
  });

  it("have no empty message", () => {
    for (const [key, text] of [...Object.entries(de), ...Object.entries(en)]) {
      assert.ok(text.trim().length > 0, key);
    }
  });
});

describe("translate", () => {
  it("fills placeholders", () => {
    assert.equal(translate("de", "error.heading", { status: 404 }), "Fehler 404");
    assert.equal(translate("en", "error.heading", { status: 404 }), "Error 404");
  });

  it("leaves a placeholder without a value visible", () => {
    assert.equal(translate("en", "error.heading"), "Error {status}");
  });
});
