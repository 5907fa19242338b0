import { error, redirect, type RequestEvent } from "@sveltejs/kit";
import type { Address } from "viem";
import type { Handle, HandleServerError, ServerInit } from "@sveltejs/kit/hooks";
import { LOCALE_COOKIE, negotiateLocale } from "#lib/i18n/locale.ts";
import { readChain } from "#lib/server/chain.ts";
import { decideAccess, needsRoles, requirementOf } from "#lib/server/auth/guard.ts";
import { portalEncryptionKey } from "#lib/server/auth/portal.ts";
import { cachedAccountRoles, type AccountRoles } from "#lib/server/auth/roles.ts";
import { SESSION_COOKIE, sessionUser } from "#lib/server/auth/sessions.ts";
import { accountsStore } from "#lib/server/auth/store.ts";

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/**
 * Browser features the portal never uses are off, for its pages and anything they might embed; only
 * passkeys (WebAuthn's get and create) stay on, for the portal's own origin. The wallet sign-in needs
 * no permission: it talks to the injected wallet (window.ethereum), not to a device.
 */
const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "hid=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "serial=()",
  "usb=()",
  "publickey-credentials-create=(self)",
  "publickey-credentials-get=(self)",
].join(", ");

/**
 * Route ids that have a page (+page.svelte). Only a page can render a refusal through its area's
 * layout; any other route (a +server.ts endpoint such as a CSV download) is refused here, before it runs.
 */
const PAGE_ROUTES = new Set(
  Object.keys(import.meta.glob("/src/routes/**/+page.svelte")).map(
    (file) => file.replace(/^\/src\/routes/, "").replace(/\/\+page\.svelte$/, "") || "/",
  ),
);

/** Refuses to start without NACHBARSTROM_PORTAL_SECRET outside the local demo (custody.ts). */
export const init: ServerInit = () => {
  portalEncryptionKey();
};

/** Chooses the language (?lang= → cookie → Accept-Language → de) and writes it into <html lang>. */
function chooseLocale(event: RequestEvent): void {
  const { locale, fromQuery } = negotiateLocale({
    query: event.url.searchParams.get("lang"),
    cookie: event.cookies.get(LOCALE_COOKIE),
    acceptLanguage: event.request.headers.get("accept-language"),
  });
  if (fromQuery) {
    event.cookies.set(LOCALE_COOKIE, locale, {
      path: "/",
      maxAge: ONE_YEAR_SECONDS,
      sameSite: "lax",
      httpOnly: true,
      secure: event.url.protocol === "https:",
    });
  }
  event.locals.locale = locale;
}

/**
 * The route guard (rules in guard.ts): nobody signed in → /signin?next=…; signed in without the right
 * → 403. The console's roles are read from the chain (roles.ts). A refused page request of the
 * household or operator area is still resolved, so that area's layout renders the 403 in the user's
 * language (`locals.access`); its page load may run but its data is never sent. Endpoints are refused
 * before they run.
 */
async function guard(event: RequestEvent): Promise<void> {
  const user = await sessionUser(await accountsStore(), event.cookies.get(SESSION_COOKIE));
  event.locals.user = user;
  const requirement = requirementOf(event.url.pathname);
  const readRoles = (account: Address) => readChain((chain) => cachedAccountRoles(chain, account));
  let roles: AccountRoles | undefined;
  if (user && needsRoles(requirement, user.account)) roles = await readRoles(user.account);
  // Only for the navigation (console links or the household's own page): a chain that does not
  // answer must not keep anyone from a page that does not need the roles.
  else if (user) roles = await readRoles(user.account).catch(() => undefined);
  event.locals.roles = roles;
  const decision = decideAccess(
    requirement,
    user && {
      account: user.account,
      roles: roles ?? { operator: false, auditor: false, treasurer: false, household: false },
    },
  );
  event.locals.access = decision;
  if (decision === "sign-in") {
    const next = event.url.pathname + event.url.search;
    redirect(303, `/signin?next=${encodeURIComponent(next)}`);
  }
  const routeId = event.route.id ?? "";
  const rendersOwnError =
    /^\/\((household|operator)\)\//.test(routeId) && PAGE_ROUTES.has(routeId) && !event.isDataRequest;
  if (decision === "forbidden" && !rendersOwnError) {
    error(403, "forbidden", { code: "forbidden" });
  }
}

export const handle: Handle = async ({ event, resolve }) => {
  chooseLocale(event);
  await guard(event);
  const locale = event.locals.locale;
  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace("%lang%", locale),
  });
  // The content security policy comes from SvelteKit (csp in vite.config.ts), with hashes for its own
  // inline scripts. COOP: a window of another origin that the portal opens, or that opens the portal,
  // gets no handle on the portal's window.
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  response.headers.set("permissions-policy", PERMISSIONS_POLICY);
  response.headers.set("cross-origin-opener-policy", "same-origin");
  response.headers.append("vary", "cookie, accept-language");
  return response;
};

/** Gives every error a code the error page can explain; unexpected ones are logged, not shown. */
export const handleError: HandleServerError = ({ kind, error, event }) => {
  switch (kind) {
    case "app":
      return error;
    case "framework":
      return { code: error.status === 404 ? "not-found" : "unexpected" };
    default:
      console.error(`[web] ${event.request.method} ${event.url.pathname}:`, error);
      return { code: "unexpected" };
  }
};
