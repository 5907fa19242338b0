import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isHttpError } from "@sveltejs/kit";
import { requireAllowed } from "./allowed.ts";

const refusedWith403 = (thrown: unknown) =>
  isHttpError(thrown, 403) && (thrown.body as { code?: string }).code === "forbidden";

describe("an endpoint's own access check", () => {
  it("passes a request the route guard allowed", () => {
    assert.doesNotThrow(() => requireAllowed({ access: "allow" }));
  });

  it("refuses with 403 'forbidden' whatever else the guard decided, or when it did not decide", () => {
    for (const access of ["forbidden", "sign-in", undefined] as const) {
      assert.throws(() => requireAllowed({ access } as Pick<App.Locals, "access">), refusedWith403, String(access));
    }
  });
});
