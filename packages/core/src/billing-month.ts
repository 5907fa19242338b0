/**
 * The calendar month an interval belongs to in German local time, as yyyymm — the twin of
 * contracts/BillingMonth.sol (same arithmetic, checked in its test against the IANA zone Europe/Berlin).
 */
export function billingMonthOf(interval: bigint): number {
  const utc = Number(interval) * 900;
  const [year] = civil(Math.floor(utc / 86400));
  const local = utc + (isSummerTime(utc, year) ? 7200 : 3600);
  const [y, m] = civil(Math.floor(local / 86400));
  return y * 100 + m;
}

/** The first interval of month yyyymm: its local midnight on the 1st. */
export function firstIntervalOf(yyyymm: number): bigint {
  const year = Math.floor(yyyymm / 100);
  const midnight = days(year, yyyymm % 100, 1) * 86400;
  const utc = midnight - (isSummerTime(midnight - 3600, year) ? 7200 : 3600);
  return BigInt(Math.floor(utc / 900));
}

/** The month after yyyymm. */
export function nextBillingMonth(yyyymm: number): number {
  return yyyymm % 100 === 12 ? (Math.floor(yyyymm / 100) + 1) * 100 + 1 : yyyymm + 1;
}

function isSummerTime(utc: number, year: number): boolean {
  return utc >= lastSunday(year, 3) * 86400 + 3600 && utc < lastSunday(year, 10) * 86400 + 3600;
}

function lastSunday(year: number, month: number): number {
  const last = days(year, month, 31);
  return last - ((last + 4) % 7);
}

function days(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civil(dayNumber: number): [number, number, number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** The billing month that closes when `interval` is settled: the previous one, when `interval` opens a month. */
export function monthClosedBy(interval: bigint): number | undefined {
  const month = billingMonthOf(interval);
  return billingMonthOf(interval - 1n) === month ? undefined : billingMonthOf(interval - 1n);
}
