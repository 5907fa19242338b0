import { createContext } from "svelte";
import { formatCount } from "../format/count.ts";
import { formatKwh, formatKwhNumber } from "../format/energy.ts";
import { formatEuro, type FormatEuroOptions } from "../format/money.ts";
import { formatInstant, formatIntervalStart } from "../format/time.ts";
import type { Locale } from "./locale.ts";
import { translate, type MessageKey, type MessageParams } from "./messages.ts";

/** Text and number formatting in the page's language, for components. */
export type I18n = {
  readonly locale: Locale;
  t: (key: MessageKey, params?: MessageParams) => string;
  euro: (units: bigint, options?: FormatEuroOptions) => string;
  kwh: (wh: bigint) => string;
  kwhNumber: (wh: bigint) => string;
  intervalStart: (interval: bigint) => string;
  count: (count: number) => string;
  instant: (instant: Date | string) => string;
};

const [getI18n, setI18n] = createContext<I18n>();
export { getI18n };

/** Provides the page's language to every component below; `locale` is read on each call, so it stays current. */
export function provideI18n(locale: () => Locale): I18n {
  return setI18n({
    get locale() {
      return locale();
    },
    t: (key, params) => translate(locale(), key, params),
    euro: (units, options) => formatEuro(units, locale(), options),
    kwh: (wh) => formatKwh(wh, locale()),
    kwhNumber: (wh) => formatKwhNumber(wh, locale()),
    intervalStart: (interval) => formatIntervalStart(interval, locale()),
    count: (count) => formatCount(count, locale()),
    instant: (instant) => formatInstant(instant, locale()),
  });
}
