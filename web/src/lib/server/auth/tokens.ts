import { createHash, randomBytes } from "node:crypto";

/** SHA-256 as hex: how codes and session ids are stored, so a copy of the database lets no one in. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** 32 random bytes, base64url: session ids and WebAuthn user handles. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Crockford's base32 without I, L, O, U: nothing to confuse when a code is read aloud or typed. */
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const CODE_LENGTH = 20;

/** A new invitation code: 20 characters of base32 (100 bits) in groups of 4, e.g. `7K2M-…`. */
export function newInvitationCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const chars = [...bytes].map((byte) => CODE_ALPHABET[byte & 31]);
  return chars.join("").match(/.{4}/g)!.join("-");
}

/**
 * A code as typed, in its canonical form (upper case, no spaces or dashes; O→0, I/L→1 as Crockford
 * reads them), or undefined when it cannot be a code.
 */
export function normaliseInvitationCode(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (compact.length !== CODE_LENGTH) return undefined;
  for (const char of compact) if (!CODE_ALPHABET.includes(char)) return undefined;
  return compact;
}
