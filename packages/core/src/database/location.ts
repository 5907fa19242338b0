/**
 * Where a store lives. One PostgreSQL database can hold all of them (NACHBARSTROM_DATABASE_URL, each
 * store in its own schema); a store's own setting (a file path or a URL) wins; otherwise its file.
 */

/** A postgres:// URL every store uses unless its own setting says otherwise. */
export const DATABASE_URL_ENV = "NACHBARSTROM_DATABASE_URL";

export function storeLocation(
  env: Readonly<Record<string, string | undefined>>,
  ownSetting: string,
  defaultFile: () => string,
): string {
  const own = env[ownSetting];
  if (own) return own;
  const shared = env[DATABASE_URL_ENV];
  if (shared) return shared;
  return defaultFile();
}
