import type { AccountRoles } from "./roles.ts";
import type { SessionUser } from "./sessions.ts";

/**
 * What the navigation may know of the signed-in user: the account, whether it sees the console, and
 * whether it operates (only operators issue invitations).
 */
export function viewerOf(user: SessionUser | undefined, roles: AccountRoles | undefined): App.PageData["viewer"] {
  return user
    ? {
        account: user.account,
        console: Boolean(roles?.operator || roles?.auditor || roles?.treasurer),
        operator: Boolean(roles?.operator),
      }
    : undefined;
}
