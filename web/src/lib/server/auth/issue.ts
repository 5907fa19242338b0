import type { Address } from "viem";
import { parseAddress } from "../../address.ts";
import { bindAccount, issueInvitation, newCustodialAccount } from "./invitations.ts";
import { portalEncryptionKey } from "./portal.ts";
import type { AccountsStore } from "./store.ts";

export type IssuedInvitation = {
  code: string;
  account: Address;
  custody: "server" | "external";
  expiresAt: string;
  link: string;
};

/**
 * The operator's "issue an invitation": without an address, for a household without a wallet (the
 * server generates its account and keeps the key encrypted); with one, the household's own wallet
 * account, bound without a key. Undefined when the address is malformed.
 */
export async function issueFromConsole(
  store: AccountsStore,
  input: string,
  origin: string,
): Promise<IssuedInvitation | undefined> {
  let account: Address | undefined;
  if (input === "") {
    account = await newCustodialAccount(store, portalEncryptionKey());
  } else {
    account = parseAddress(input);
    if (!account) return undefined;
    await bindAccount(store, { account, custody: { kind: "external" }, encryptionKey: portalEncryptionKey() });
  }
  const { code, expiresAt } = await issueInvitation(store, { account });
  return {
    code,
    account,
    custody: input === "" ? "server" : "external",
    expiresAt: new Date(expiresAt).toISOString(),
    link: new URL(`/invitation?code=${encodeURIComponent(code)}`, origin).href,
  };
}
