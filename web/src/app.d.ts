import type { ErrorCode } from "#lib/errors.ts";
import type { Locale } from "#lib/i18n/locale.ts";

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
    }
  }
}

export {};
