import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { currentOf, householdLinks, mainLinks } from "./navigation.ts";

const account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const paths = (links: { path: string }[]) => links.map((link) => link.path);

describe("navigation", () => {
  it("shows nobody signed in only the start page, no console link", () => {
    assert.deepEqual(paths(mainLinks(undefined)), ["/"]);
  });

  it("shows a console viewer the console's pages, and no household area", () => {
    const links = paths(mainLinks({ account, console: true, operator: true }));
    assert.equal(links[0], "/");
    for (const path of [
      "/operator",
      "/operator/neighbourhoods",
      "/operator/meters",
      "/operator/requests",
      "/operator/audit",
      "/operator/households",
      "/operator/invitations",
      "/operator/bridge",
    ]) {
      assert.ok(links.includes(path), path);
    }
    assert.ok(!links.some((path) => path.startsWith("/household")));
  });

  it("shows invitations only to an operator: auditors and treasurers would be refused", () => {
    const links = paths(mainLinks({ account, console: true, operator: false }));
    assert.ok(links.includes("/operator/audit"));
    assert.ok(!links.includes("/operator/invitations"));
  });

  it("shows a household its own area and nothing of the console", () => {
    const links = mainLinks({ account, console: false });
    assert.deepEqual(paths(links), ["/", `/household/${account}`]);
    assert.equal(links[1].section, true);
  });

  it("lists every page of a household under its address, the overview first", () => {
    assert.deepEqual(
      paths(householdLinks(account)).map((path) => path.replace(`/household/${account}`, "…")),
      ["…", "…/flows", "…/statement", "…/money", "…/contracts", "…/tariffs", "…/preferences"],
    );
  });

  it("marks the current page, ignoring a trailing slash and the address's case", () => {
    const [overview, flows] = householdLinks(account);
    assert.equal(currentOf(flows, `/household/${account.toLowerCase()}/flows/`), "page");
    assert.equal(currentOf(overview, `/household/${account}/flows`), undefined, "the overview is not its subpages");
    assert.equal(currentOf(mainLinks(undefined)[0], "/"), "page");
    assert.equal(currentOf(mainLinks(undefined)[0], "/privacy"), undefined, "home is not every page");
  });

  it("marks a section link as current within its area, without calling it the page", () => {
    const [, area] = mainLinks({ account, console: false });
    assert.equal(currentOf(area, `/household/${account}`), "page");
    assert.equal(currentOf(area, `/household/${account}/statement`), "true");
    assert.equal(currentOf(area, `/household/${account}x`), undefined, "another path with the same prefix");
    const [, operator] = mainLinks({ account, console: true });
    assert.equal(currentOf(operator, "/operator/bridge"), undefined, "the console overview is a page, not a section");
  });
});
