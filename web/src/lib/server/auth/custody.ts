import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import { AccountsError } from "./errors.ts";

/** Environment variable with the secret the portal derives its key-encryption key from. */
export const PORTAL_SECRET_ENV = "NACHBARSTROM_PORTAL_SECRET";

/**
 * DEVELOPMENT DEFAULT, PUBLIC: it is in the repository, so it protects nothing. Used only for the local
 * demo (`vite dev`, or ORIGIN on localhost as `npm start` sets it); anywhere else the portal refuses to
 * start without NACHBARSTROM_PORTAL_SECRET.
 */
export const DEVELOPMENT_PORTAL_SECRET = "nachbarstrom-local-development-secret-not-for-production";

const MIN_SECRET_LENGTH = 32;
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

type Env = Readonly<Record<string, string | undefined>>;

/**
 * True when the portal runs as the local demo: under `vite dev` (`dev`), or with ORIGIN on localhost.
 * NODE_ENV is not asked: adapter-node does not set it, so it proves nothing either way.
 */
export function isLocalDevelopment(env: Env = process.env, dev = false): boolean {
  if (!env.ORIGIN) return dev;
  try {
    return LOCAL_HOSTS.has(new URL(env.ORIGIN).hostname);
  } catch {
    return false;
  }
}

/** NACHBARSTROM_PORTAL_SECRET (at least 32 characters), or the public development default on localhost. */
export function portalSecret(env: Env = process.env, dev = false): string {
  const secret = env[PORTAL_SECRET_ENV];
  if (secret) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new AccountsError(`${PORTAL_SECRET_ENV} is too short`, {
        details: `it has ${secret.length} characters; use at least ${MIN_SECRET_LENGTH} random ones (e.g. openssl rand -base64 48)`,
      });
    }
    return secret;
  }
  if (isLocalDevelopment(env, dev)) return DEVELOPMENT_PORTAL_SECRET;
  throw new AccountsError(`${PORTAL_SECRET_ENV} is not set`, {
    details:
      "the portal keeps household keys encrypted under a key derived from it; outside the local demo " +
      "(ORIGIN on another host than localhost) there is no default",
  });
}

/** The AES-256 key for household keys, derived from the portal secret with HKDF-SHA256. */
export function custodyKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "nachbarstrom", "nachbarstrom custody key v1", 32));
}

const VERSION = "v1";

/**
 * Encrypts an account's private key with AES-256-GCM (random 96-bit IV). The account's address is the
 * additional authenticated data, so a ciphertext moved to another account's row fails to decrypt.
 * Format: `v1.<iv>.<ciphertext>.<tag>`, each base64url.
 */
export function encryptPrivateKey(key: Buffer, account: Address, privateKey: Hex): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(account.toLowerCase(), "utf8"));
  const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** Decrypts what encryptPrivateKey wrote; a changed byte, another account or another secret throws. */
export function decryptPrivateKey(key: Buffer, account: Address, encrypted: string): Hex {
  const [version, iv, ciphertext, tag, ...rest] = encrypted.split(".");
  if (version !== VERSION || !iv || !ciphertext || !tag || rest.length > 0) {
    throw new AccountsError("An encrypted key has an unknown format", { details: `account ${account}` });
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(account.toLowerCase(), "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
    return `0x${plain.toString("hex")}`;
  } catch (cause) {
    throw new AccountsError("An encrypted key could not be decrypted", {
      details: `account ${account}: changed, moved from another account, or encrypted under another portal secret`,
      cause,
    });
  }
}
