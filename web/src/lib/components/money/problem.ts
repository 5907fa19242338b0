import type { I18n } from "../../i18n/context.ts";
import type { MessageKey } from "../../i18n/messages.ts";

/** What a money endpoint answers when it refuses (server/money/input.ts, InputProblem). */
export type MoneyProblem = { problem: string; field?: string; params?: Record<string, string> };

/** The params that are amounts in micro-euro (server/money/input.ts), shown as euros. */
const AMOUNT_PARAMS = new Set(["min", "max", "available"]);

/** A refusal in words, with "Error:" in front and its amounts formatted in the page's language. */
export function problemText(i18n: I18n, { problem, params = {} }: MoneyProblem): string {
  const shown = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, AMOUNT_PARAMS.has(name) ? i18n.euro(BigInt(value)) : value]),
  );
  return `${i18n.t("form.errorPrefix")} ${i18n.t(problem as MessageKey, shown)}`;
}

/** The body of a refusal; without a response a network problem, without a readable body a general one. */
export async function problemOf(response: Response | undefined): Promise<MoneyProblem> {
  if (!response) return { problem: "action.error.network" };
  const body = (await response.json().catch(() => undefined)) as MoneyProblem | undefined;
  return body?.problem ? body : { problem: "money.error.failed" };
}
