import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { BridgeConfigurationError } from "./errors.ts";
import { resolveBridgeKey } from "./bridge-key.ts";

const KEY_A = `0x${"a1".repeat(32)}`;
const KEY_B = `0x${"b2".repeat(32)}`;

describe("resolveBridgeKey", () => {
  test("the credential wins over the environment", () => {
    assert.deepEqual(resolveBridgeKey({ credential: KEY_A, fromEnv: KEY_B }), {
      privateKey: KEY_A,
      source: "credential",
    });
  });

  test("an empty credential falls back to NACHBARSTROM_BRIDGE_KEY", () => {
    assert.deepEqual(resolveBridgeKey({ credential: " ", fromEnv: KEY_B }), {
      privateKey: KEY_B,
      source: "environment",
    });
    assert.equal(resolveBridgeKey({ credential: undefined, fromEnv: KEY_B.slice(2) }).privateKey, KEY_B);
  });

  test("no key at all is a configuration error that says where to set one", () => {
    assert.throws(
      () => resolveBridgeKey({ credential: "", fromEnv: undefined }),
      (error) => {
        assert.ok(error instanceof BridgeConfigurationError);
        assert.equal(error.shortMessage, "The bridge key is not set");
        assert.match(error.details ?? "", /credential .* or the environment variable NACHBARSTROM_BRIDGE_KEY/);
        return true;
      },
    );
  });

  test("a credential naming an unset environment variable says so", () => {
    assert.throws(
      () => resolveBridgeKey({ credential: "${MY_BRIDGE_KEY}", fromEnv: KEY_B }),
      /environment variable MY_BRIDGE_KEY, which is not set/,
    );
  });

  test("a malformed key is rejected without echoing it", () => {
    const secretish = "0xdeadbeef-not-a-key";
    assert.throws(
      () => resolveBridgeKey({ credential: secretish, fromEnv: undefined }),
      (error) => {
        assert.ok(error instanceof BridgeConfigurationError);
        assert.ok(!String(error.message).includes("deadbeef"));
        assert.match(error.details ?? "", /64 hex digits/);
        return true;
      },
    );
  });
});
