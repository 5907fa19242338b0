/**
 * SvelteKit's App.Error as web/src/app.d.ts declares it (code: ErrorCode), for the root type check of
 * the portal's server modules that bench-web.ts loads: chain.ts passes it to SvelteKit's error().
 * web/src/app.d.ts itself is not included: it pulls in the portal's auth and i18n modules.
 */
declare global {
  namespace App {
    interface Error {
      code: string;
      details?: string;
    }
  }
}

export {};
