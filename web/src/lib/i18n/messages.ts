import { de, en } from "./catalogue.ts";
import type { Locale } from "./locale.ts";

/** Every message key; German is the reference catalogue. */
export type MessageKey = keyof typeof de;
export type MessageParams = Readonly<Record<string, string | number>>;

/** Typing `en` against the German keys makes a missing English message a compile error too. */
export const catalogues: Record<Locale, Record<MessageKey, string>> = { de, en };

const placeholder = /\{(\w+)\}/g;

/** The message `key` in `locale`, with `{name}` placeholders filled from `params`. */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  return catalogues[locale][key].replace(placeholder, (match, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

/** The placeholder names of a message, sorted: both languages must use the same ones. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(placeholder)].map((m) => m[1]).sort();
}
