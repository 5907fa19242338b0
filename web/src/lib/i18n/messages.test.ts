import assert from "node:assert/strict";
import { describe, it } from "node:test";
import de from "./de.json" with { type: "json" };
import en from "./en.json" with { type: "json" };
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
