import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { localeFromAcceptLanguage, negotiateLocale } from "./locale.ts";

describe("localeFromAcceptLanguage", () => {
  it("picks the supported language with the highest q-value", () => {
    assert.equal(localeFromAcceptLanguage("fr-FR, en;q=0.8, de;q=0.9"), "de");
    assert.equal(localeFromAcceptLanguage("en-GB,en;q=0.9,de;q=0.8"), "en");
  });

  it("keeps header order among equal q-values", () => {
    assert.equal(localeFromAcceptLanguage("en-US, de-DE"), "en");
  });

  it("ignores q=0 and unsupported languages", () => {
    assert.equal(localeFromAcceptLanguage("en;q=0, fr"), undefined);
    assert.equal(localeFromAcceptLanguage(""), undefined);
    assert.equal(localeFromAcceptLanguage(null), undefined);
  });
});

describe("negotiateLocale", () => {
  it("prefers the query, then the cookie, then Accept-Language, then German", () => {
    assert.deepEqual(negotiateLocale({ query: "en", cookie: "de", acceptLanguage: "de" }), {
      locale: "en",
      fromQuery: true,
    });
    assert.deepEqual(negotiateLocale({ query: "xx", cookie: "en", acceptLanguage: "de" }), {
      locale: "en",
      fromQuery: false,
    });
    assert.deepEqual(negotiateLocale({ query: null, cookie: "fr", acceptLanguage: "en-US" }), {
      locale: "en",
      fromQuery: false,
    });
    assert.deepEqual(negotiateLocale({ query: null, cookie: undefined, acceptLanguage: "fr" }), {
      locale: "de",
      fromQuery: false,
    });
  });
});
