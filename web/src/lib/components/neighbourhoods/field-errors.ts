import type { I18n } from "../../i18n/context.ts";
import type { MessageKey } from "../../i18n/messages.ts";

/** A field the server refused (server/neighbourhoods/registration.ts), as the browser receives it. */
export type FieldError = { field: string; value: string; message: string; params?: Record<string, string> };

/** The refusal's text with the value and parameters filled in, after the form's "Error:" prefix. */
export function fieldErrorText(i18n: I18n, error: FieldError): string {
  return `${i18n.t("form.errorPrefix")} ${i18n.t(error.message as MessageKey, { value: error.value, ...error.params })}`;
}

/** The ids an input is described by: its hint (when it has one) and its error (when it has one). */
export function describedBy(id: string, hint: boolean, error: FieldError | undefined): string | undefined {
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}
