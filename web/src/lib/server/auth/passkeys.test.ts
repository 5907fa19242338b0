import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { challengeOf, PasskeyError } from "./passkeys.ts";

const clientData = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

describe("the challenge a WebAuthn response answers", () => {
  it("is read from the response's clientDataJSON", () => {
    assert.equal(challengeOf(clientData({ type: "webauthn.get", challenge: "c2lnbi1pbg" })), "c2lnbi1pbg");
  });

  it("is refused as a 'challenge' problem when clientDataJSON is not JSON or names none", () => {
    const challengeProblem = (thrown: unknown) => thrown instanceof PasskeyError && thrown.problem === "challenge";
    assert.throws(() => challengeOf("not base64url JSON"), challengeProblem);
    assert.throws(() => challengeOf(clientData({ type: "webauthn.get" })), challengeProblem);
  });
});
