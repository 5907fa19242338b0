/**
 * A German metering point id (Zählpunktbezeichnung): 33 characters, the country code (two letters)
 * and 31 letters or digits, e.g. "DE0001234520660000000000000000001". People write it with spaces and
 * in lower case; the portal stores it in the one form the bridge's topics use.
 */
const METERING_POINT_ID = /^[A-Z]{2}[A-Z0-9]{31}$/;

/** The normalised id (upper case, spaces removed), or undefined when it is not a Zählpunktbezeichnung. */
export function parseMeteringPointId(input: string): string | undefined {
  const id = input.replace(/\s+/g, "").toUpperCase();
  return METERING_POINT_ID.test(id) ? id : undefined;
}
