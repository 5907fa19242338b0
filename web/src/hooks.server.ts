import type { Handle, HandleServerError } from "@sveltejs/kit/hooks";
import { LOCALE_COOKIE, negotiateLocale } from "#lib/i18n/locale.ts";

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/** Chooses the language (?lang= → cookie → Accept-Language → de) and writes it into <html lang>. */
export const handle: Handle = async ({ event, resolve }) => {
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
  const response = await resolve(event, {
    transformPageChunk: ({ html }) => html.replace("%lang%", locale),
  });
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
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
