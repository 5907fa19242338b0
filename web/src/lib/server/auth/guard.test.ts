import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideAccess, needsRoles, requirementOf, safeNext, type Viewer } from "./guard.ts";

const alice = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const bob = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const none = { operator: false, auditor: false, treasurer: false, household: false };
const household: Viewer = { account: alice, roles: { ...none, household: true } };
const operator: Viewer = { account: bob, roles: { ...none, operator: true } };
const auditor: Viewer = { account: bob, roles: { ...none, auditor: true } };

const decide = (path: string, viewer: Viewer) => decideAccess(requirementOf(path), viewer);

describe("route guard", () => {
  it("leaves the start page, the sign-in pages and the privacy and accessibility statements open", async () => {
    for (const path of [
      "/",
      "/privacy",
      "/accessibility",
      "/privacy/__data.json",
      "/signin",
      "/signin/options",
      "/invitation",
      "/invitation/verify",
      "/signout",
      "/_app/x.js",
    ]) {
      assert.equal(await decide(path, undefined), "allow", path);
    }
  });

  it("sends anyone not signed in to sign-in, also for unknown paths and page data", async () => {
    for (const path of [
      "/operator",
      "/operator/bridge",
      `/household/${alice}`,
      `/household/${alice}/__data.json`,
      "/elsewhere",
    ]) {
      assert.equal(await decide(path, undefined), "sign-in", path);
    }
  });

  it("shows a household its own page only", async () => {
    assert.equal(await decide(`/household/${alice}`, household), "allow");
    assert.equal(await decide(`/household/${alice.toLowerCase()}`, household), "allow");
    assert.equal(await decide(`/household/${bob}`, household), "forbidden");
    assert.equal(await decide(`/household/${bob}/__data.json`, household), "forbidden");
    assert.equal(await decide("/operator", household), "forbidden");
    assert.equal(await decide("/operator/bridge/", household), "forbidden");
    assert.equal(await decide("/%6Fperator", household), "forbidden");
    assert.equal(await decide("//operator", household), "forbidden");
  });

  it("opens the console and every household page to operators and auditors", async () => {
    for (const viewer of [operator, auditor]) {
      assert.equal(await decide("/operator", viewer), "allow");
      assert.equal(await decide("/operator/bridge", viewer), "allow");
      assert.equal(await decide(`/household/${alice}`, viewer), "allow");
    }
  });

  it("lets only operators issue invitations", async () => {
    assert.equal(await decide("/operator/invitations", operator), "allow");
    assert.equal(await decide("/operator/invitations", auditor), "forbidden");
    assert.equal(await decide("/operator/invitations", household), "forbidden");
  });

  it("reads roles from the chain only when the decision needs them", async () => {
    assert.equal(needsRoles(requirementOf(`/household/${alice}`), alice), false);
    assert.equal(needsRoles(requirementOf(`/household/${bob}`), alice), true);
    assert.equal(needsRoles(requirementOf("/operator"), alice), true);
    assert.equal(needsRoles(requirementOf("/"), alice), false);
  });
});

describe("safeNext", () => {
  it("accepts only paths of this site", async () => {
    assert.equal(safeNext("/household/x?lang=en"), "/household/x?lang=en");
    for (const bad of ["https://evil.example/", "//evil.example/", "/\\evil.example", "", null]) {
      assert.equal(safeNext(bad), undefined, String(bad));
    }
  });
});
