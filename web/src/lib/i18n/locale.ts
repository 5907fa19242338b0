/** The portal's languages; German first, as the default for a German utility. */
export const LOCALES = ["de", "en"] as const;
export type Locale = (typeof LOCALES)[number];

export const DEFAULT_LOCALE: Locale = "de";
/** Cookie that remembers a language chosen with `?lang=`. */
export const LOCALE_COOKIE = "lang";
/** The BCP 47 tags used for number and date formatting. */
export const LOCALE_TAGS: Record<Locale, string> = { de: "de-DE", en: "en-GB" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The best supported language of an Accept-Language header, by q-value, or undefined. */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [range, ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find((m) => m !== null);
      return { primary: range.trim().toLowerCase().split("-")[0], q: q ? Number(q[1]) : 1, index };
    })
    .filter((entry) => entry.q > 0 && Number.isFinite(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  return ranked.map((entry) => entry.primary).find(isLocale);
}

export type NegotiateLocaleParameters = {
  query: string | null | undefined;
  cookie: string | null | undefined;
  acceptLanguage: string | null | undefined;
};
export type NegotiateLocaleReturnType = { locale: Locale; fromQuery: boolean };

/** Language of a request: `?lang=de|en`, then the cookie, then Accept-Language, then German. */
export function negotiateLocale({
  query,
  cookie,
  acceptLanguage,
}: NegotiateLocaleParameters): NegotiateLocaleReturnType {
  if (isLocale(query)) return { locale: query, fromQuery: true };
  if (isLocale(cookie)) return { locale: cookie, fromQuery: false };
  return { locale: localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE, fromQuery: false };
}
