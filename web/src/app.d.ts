import type { ErrorCode } from "#lib/errors.ts";
import type { Locale } from "#lib/i18n/locale.ts";
import type { AccessDecision } from "#lib/server/auth/guard.ts";
import type { AccountRoles } from "#lib/server/auth/roles.ts";
import type { SessionUser } from "#lib/server/auth/sessions.ts";

declare global {
  namespace App {
    interface Error {
      /** Which explanation the error page shows. */
      code: ErrorCode;
      /** For the utility's staff: what exactly failed. */
      details?: string;
    }
    interface Locals {
      locale: Locale;
      /** The signed-in user (hooks.server.ts, from the session cookie), or undefined. */
      user: SessionUser | undefined;
      /** The user's roles from the chain, when the route guard needed them. */
      roles: AccountRoles | undefined;
      /** The route guard's decision for this request. */
      access: AccessDecision;
    }
    interface PageData {
      /** Who is signed in, for the navigation; set by the layouts and pages that know it. */
      viewer?: { account: string; console: boolean; operator: boolean };
    }
  }
}

export {};
