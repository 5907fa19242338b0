import { randomInt } from "node:crypto";

/**
 * Letters and digits that cannot be mistaken for each other when read aloud or typed from a bank
 * statement: no 0/O, 1/I/L. SEPA remittance information carries them all unchanged.
 */
export const REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

const PREFIX = "NS-";

/**
 * The check character of `payload`: weighted sum of the characters' values with weights 2, 3, 4, …
 * modulo 31 (the alphabet's size, a prime), so any single wrong character and any swap of two
 * different neighbours changes it.
 */
function checkCharacter(payload: string): string {
  const n = REFERENCE_ALPHABET.length;
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += (i + 2) * REFERENCE_ALPHABET.indexOf(payload[i]);
  return REFERENCE_ALPHABET[(n - (sum % n)) % n];
}

/**
 * A new payment reference for a bank transfer, e.g. "NS-7K3Q-9P": five random characters and a check
 * character, so the utility's bookkeeping can tell a mistyped reference from another household's.
 * Uniqueness is the store's job (UNIQUE column; it draws again on a collision).
 */
export function newPaymentReference(random: (max: number) => number = randomInt): string {
  let payload = "";
  for (let i = 0; i < 5; i++) payload += REFERENCE_ALPHABET[random(REFERENCE_ALPHABET.length)];
  const body = payload + checkCharacter(payload);
  return `${PREFIX}${body.slice(0, 4)}-${body.slice(4)}`;
}

/** Whether `text` is a well-formed payment reference with a matching check character. */
export function isPaymentReference(text: string): boolean {
  const match = /^NS-([2-9A-HJKMNP-Z]{4})-([2-9A-HJKMNP-Z]{2})$/.exec(text);
  if (!match) return false;
  const body = match[1] + match[2];
  return checkCharacter(body.slice(0, 5)) === body[5];
}
