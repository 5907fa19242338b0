import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import {
  DEVELOPMENT_PORTAL_SECRET,
  custodyKey,
  decryptPrivateKey,
  encryptPrivateKey,
  portalSecret,
} from "./custody.ts";

const key = custodyKey("a test secret that is long enough for the portal");
const privateKey = generatePrivateKey();
const account = privateKeyToAddress(privateKey);

describe("encryptPrivateKey / decryptPrivateKey", () => {
  it("round-trips, with a fresh IV every time", () => {
    const a = encryptPrivateKey(key, account, privateKey);
    const b = encryptPrivateKey(key, account, privateKey);
    assert.notEqual(a, b);
    assert.equal(decryptPrivateKey(key, account, a), privateKey);
    assert.equal(a.includes(privateKey.slice(2)), false);
  });

  it("detects a changed ciphertext, IV or tag", () => {
    const encrypted = encryptPrivateKey(key, account, privateKey);
    const parts = encrypted.split(".");
    for (const index of [1, 2, 3]) {
      const bytes = Buffer.from(parts[index], "base64url");
      bytes[0] ^= 1;
      const tampered = parts.map((part, i) => (i === index ? bytes.toString("base64url") : part)).join(".");
      assert.throws(() => decryptPrivateKey(key, account, tampered), /could not be decrypted/, `part ${index}`);
    }
  });

  it("refuses a ciphertext moved to another account, or under another secret", () => {
    const encrypted = encryptPrivateKey(key, account, privateKey);
    const other = privateKeyToAddress(generatePrivateKey());
    assert.throws(() => decryptPrivateKey(key, other, encrypted), /could not be decrypted/);
    assert.throws(
      () => decryptPrivateKey(custodyKey("another secret that is long enough, too"), account, encrypted),
      /could not be decrypted/,
    );
    assert.throws(() => decryptPrivateKey(key, account, "v2.a.b.c"), /unknown format/);
  });
});

describe("portalSecret", () => {
  it("uses the configured secret and refuses a short one", () => {
    const secret = "x".repeat(32);
    assert.equal(portalSecret({ NACHBARSTROM_PORTAL_SECRET: secret, ORIGIN: "https://portal.example" }), secret);
    assert.throws(() => portalSecret({ NACHBARSTROM_PORTAL_SECRET: "short" }), /too short/);
  });

  it("falls back to the public development default only on localhost or under vite dev", () => {
    assert.equal(portalSecret({ ORIGIN: "http://localhost:3000" }), DEVELOPMENT_PORTAL_SECRET);
    assert.equal(portalSecret({ ORIGIN: "http://127.0.0.1:3000" }), DEVELOPMENT_PORTAL_SECRET);
    assert.equal(portalSecret({}, true), DEVELOPMENT_PORTAL_SECRET);
    assert.throws(() => portalSecret({}), /is not set/);
    assert.throws(() => portalSecret({ ORIGIN: "https://portal.stadtwerk.example" }), /is not set/);
  });
});
