import { devAccount, NachbarstromError } from "@nachbarstrom/core";

/** A WELL-KNOWN LOCAL DEVELOPMENT KEY (Hardhat's and anvil's test mnemonic); never for a real chain. */
export function devPrivateKey(index: number): `0x${string}` {
  const key = devAccount(index).getHdKey().privateKey;
  if (!key) throw new NachbarstromError(`No private key for development account ${index}`);
  return `0x${Buffer.from(key).toString("hex")}`;
}
