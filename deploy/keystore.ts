/**
 * Reads the deployer's key from an encrypted JSON keystore (Web3 Secret Storage, version 3), the format
 * geth, Besu, Foundry's `cast wallet` and most wallets export, so the key never lies in a file or an
 * environment variable unencrypted. Only the password comes from the environment.
 */
import { createDecipheriv, pbkdf2Sync, scryptSync, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";
import { NachbarstromError } from "@nachbarstrom/core";

type ScryptParameters = { n: number; r: number; p: number; dklen: number; salt: string };
type Pbkdf2Parameters = { c: number; dklen: number; prf: string; salt: string };

export type Keystore = {
  version: 3;
  crypto: {
    cipher: string;
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: "scrypt" | "pbkdf2";
    kdfparams: ScryptParameters | Pbkdf2Parameters;
    mac: string;
  };
};

const bytes = (hex: string) => Buffer.from(hexToBytes(`0x${hex.replace(/^0x/, "")}`));

function deriveKey(keystore: Keystore, password: string): Buffer {
  const { kdf, kdfparams } = keystore.crypto;
  if (kdf === "scrypt") {
    const { n, r, p, dklen, salt } = kdfparams as ScryptParameters;
    // OpenSSL's scrypt requires N < 2^(16·r): geth's standard (N 2^18, r 8) passes; N 2^18 with r 1 not.
    if (n >= 2 ** (16 * r)) {
      throw new NachbarstromError(`keystore: scrypt with N ${n} and r ${r} is not supported`, {
        details: "N must be below 2^(16·r); export the key again with geth's or cast's standard parameters",
      });
    }
    // scrypt needs about 128·N·r bytes; Node's default limit (32 MiB) is below what geth's standard needs.
    return scryptSync(password, bytes(salt), dklen, { N: n, r, p, maxmem: 2 * 128 * r * (n + p) + 1024 * 1024 });
  }
  if (kdf === "pbkdf2") {
    const { c, dklen, prf, salt } = kdfparams as Pbkdf2Parameters;
    if (prf !== "hmac-sha256") throw new NachbarstromError(`keystore: pbkdf2 with ${prf} is not supported`);
    return pbkdf2Sync(password, bytes(salt), c, dklen, "sha256");
  }
  throw new NachbarstromError(`keystore: key derivation "${String(kdf)}" is not supported`, {
    details: "expected scrypt or pbkdf2",
  });
}

/**
 * The private key in a version 3 keystore.
 * @throws NachbarstromError when the format is not version 3 with aes-128-ctr, or the password is wrong.
 */
export function decryptKeystore(keystore: Keystore, password: string): Hex {
  if (keystore.version !== 3 || keystore.crypto?.cipher !== "aes-128-ctr") {
    throw new NachbarstromError("keystore: not a version 3 keystore with aes-128-ctr", {
      details: `version ${String(keystore.version)}, cipher ${String(keystore.crypto?.cipher)}`,
    });
  }
  const derived = deriveKey(keystore, password);
  const ciphertext = bytes(keystore.crypto.ciphertext);
  const mac = bytes(keccak256(Buffer.concat([derived.subarray(16, 32), ciphertext])));
  const expected = bytes(keystore.crypto.mac);
  if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) {
    throw new NachbarstromError("keystore: wrong password", { details: "the MAC does not match" });
  }
  const decipher = createDecipheriv("aes-128-ctr", derived.subarray(0, 16), bytes(keystore.crypto.cipherparams.iv));
  return bytesToHex(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

/** Reads and decrypts a keystore file; the error names the file. */
export function readKeystore(file: string, password: string): Hex {
  let keystore: Keystore;
  try {
    keystore = JSON.parse(readFileSync(file, "utf8")) as Keystore;
  } catch (cause) {
    throw new NachbarstromError(`Cannot read the keystore ${file}`, { details: (cause as Error).message, cause });
  }
  try {
    return decryptKeystore(keystore, password);
  } catch (cause) {
    const message = cause instanceof NachbarstromError ? cause.shortMessage : (cause as Error).message;
    throw new NachbarstromError(`Cannot decrypt the keystore ${file}`, { details: message, cause });
  }
}
