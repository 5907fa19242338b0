import type { Address } from "viem";
import { parseAddress } from "../../address.ts";
import type { AccountRoles } from "./roles.ts";

/**
 * What a path needs. Default deny: only the paths listed as public are open; the console needs the
 * operator or auditor role, issuing invitations the operator role, a household page its own account
 * (or the console's roles), and every other path a signed-in user.
 */
export type Requirement =
  | { kind: "public" }
  | { kind: "signed-in" }
  | { kind: "console" }
  | { kind: "operator" }
  | { kind: "household"; account: Address };

const PUBLIC_PATHS = new Set(["/", "/signin", "/invitation", "/signout", "/privacy", "/accessibility"]);
const PUBLIC_PREFIXES = ["/signin/", "/invitation/", "/signout/", "/_app/"];

/** The requirement of a request path (raw URL pathname; `__data.json` asks for the same page's data). */
export function requirementOf(rawPathname: string): Requirement {
  let pathname: string;
  try {
    pathname = decodeURI(rawPathname);
  } catch {
    return { kind: "signed-in" };
  }
  pathname =
    pathname
      .replace(/\/{2,}/g, "/")
      .replace(/\/__data\.json$/, "")
      .replace(/(.)\/$/, "$1") || "/";
  if (PUBLIC_PATHS.has(pathname) || PUBLIC_PREFIXES.some((prefix) => pathname.startsWith(prefix))) {
    return { kind: "public" };
  }
  const segments = pathname.split("/").slice(1);
  if (segments[0] === "operator") return segments[1] === "invitations" ? { kind: "operator" } : { kind: "console" };
  if (segments[0] === "household" && segments[1] !== undefined) {
    const account = parseAddress(segments[1]);
    // A malformed address: the page answers 400 to anyone signed in.
    return account ? { kind: "household", account } : { kind: "signed-in" };
  }
  return { kind: "signed-in" };
}

/** The signed-in user with the roles the chain gives its account; undefined when nobody is signed in. */
export type Viewer = { account: Address; roles: AccountRoles } | undefined;

export type AccessDecision = "allow" | "sign-in" | "forbidden";

/** Whether the viewer may have what the path needs; "sign-in" when nobody is signed in. */
export function decideAccess(requirement: Requirement, viewer: Viewer): AccessDecision {
  if (requirement.kind === "public") return "allow";
  if (!viewer) return "sign-in";
  const console = viewer.roles.operator || viewer.roles.auditor || viewer.roles.treasurer;
  switch (requirement.kind) {
    case "signed-in":
      return "allow";
    case "console":
      return console ? "allow" : "forbidden";
    case "operator":
      return viewer.roles.operator ? "allow" : "forbidden";
    case "household":
      return console || requirement.account === viewer.account ? "allow" : "forbidden";
  }
}

/** Whether deciding needs the viewer's roles from the chain (a household on its own page does not). */
export function needsRoles(requirement: Requirement, account: Address): boolean {
  if (requirement.kind === "public" || requirement.kind === "signed-in") return false;
  return !(requirement.kind === "household" && requirement.account === account);
}

/** A `next` parameter that is safe to redirect to after sign-in: a path on this site, or undefined. */
export function safeNext(next: string | null | undefined): string | undefined {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.includes("\\")) return undefined;
  return next;
}
