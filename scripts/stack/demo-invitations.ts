import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Address } from "viem";
import { DEMO_NEIGHBOURHOOD, DEV_ACCOUNT_INDEX, devAccount } from "@nachbarstrom/core";
import { custodyKey, portalSecret } from "../../web/src/lib/server/auth/custody.ts";
import { bindAccount, issueInvitation } from "../../web/src/lib/server/auth/invitations.ts";
import { isPostgresUrl } from "@nachbarstrom/core/database";
import { openAccountsStore } from "../../web/src/lib/server/auth/store.ts";
import { devPrivateKey } from "./dev-keys.ts";

export type DemoInvitation = { label: string; account: Address; code: string; link: string };

export type IssueDemoInvitationsParameters = {
  /** The portal's accounts database (`accounts.db` next to the deployment file). */
  accountsDb: string;
  /** The portal's origin, for the links; also decides whether the development secret may be used. */
  portalUrl: string;
  /** Where the codes are written for people: `<runtimeDir>/invitations.txt`. */
  file: string;
  /** "passkey": the portal holds the operator's development key too; "wallet": the operator's own wallet signs. */
  operatorCustody: "passkey" | "wallet";
};

/**
 * Gives the demo's accounts to the portal and one invitation code each, as the utility would: the
 * 12 households' development accounts are held by the server (their WELL-KNOWN development keys,
 * stored encrypted like any custodial household's key, so the portal can later sign a household's
 * own contract offer after it confirms with its passkey). The operator's account (which also holds
 * the treasurer role in the demo) is either bound the same way, so that a new user can try every
 * console action with a passkey, or without a key, signing with its own wallet as a utility would in
 * production (doc/adr/0008-actions-through-the-portal.md).
 *
 * The chain is new on every start, so the accounts database starts empty too.
 */
export async function issueDemoInvitations({
  accountsDb,
  portalUrl,
  file,
  operatorCustody,
}: IssueDemoInvitationsParameters): Promise<DemoInvitation[]> {
  // A new chain: a file starts afresh (a PostgreSQL database's schemas were emptied by the stack).
  if (!isPostgresUrl(accountsDb))
    for (const suffix of ["", "-wal", "-shm"]) rmSync(accountsDb + suffix, { force: true });
  const store = await openAccountsStore({ location: accountsDb });
  try {
    const encryptionKey = custodyKey(portalSecret({ ...process.env, ORIGIN: portalUrl }));
    const invite = async (label: string, account: Address): Promise<DemoInvitation> => {
      const { code } = await issueInvitation(store, { account });
      return { label, account, code, link: `${portalUrl}/invitation?code=${code}` };
    };
    const invitations: DemoInvitation[] = [];
    const operator = devAccount(DEV_ACCOUNT_INDEX.admin).address;
    await bindAccount(store, {
      account: operator,
      custody:
        operatorCustody === "wallet"
          ? { kind: "external" }
          : // WELL-KNOWN LOCAL DEVELOPMENT KEY of the demo's operator, stored encrypted like a household's.
            { kind: "server", privateKey: devPrivateKey(DEV_ACCOUNT_INDEX.admin) },
      encryptionKey,
    });
    invitations.push(await invite("Stadtwerk (operator)", operator));
    for (const household of DEMO_NEIGHBOURHOOD.households) {
      const account = devAccount(household.accountIndex).address;
      // WELL-KNOWN LOCAL DEVELOPMENT KEY (packages/core/src/demo.ts), stored encrypted as in production.
      const privateKey = devPrivateKey(household.accountIndex);
      await bindAccount(store, { account, custody: { kind: "server", privateKey }, encryptionKey });
      invitations.push(await invite(household.label, account));
    }
    writeFileSync(file, formatInvitations(invitations));
    return invitations;
  } finally {
    await store.close();
  }
}

function formatInvitations(invitations: readonly DemoInvitation[]): string {
  const width = Math.max(...invitations.map((i) => i.label.length));
  return (
    "# Nachbarstrom demo: one single-use invitation code per account (valid 14 days, until the next start).\n" +
    "# Open the link, or enter the code at /invitation, and create a passkey.\n" +
    invitations.map((i) => `${i.label.padEnd(width)}  ${i.account}  ${i.code}  ${i.link}`).join("\n") +
    "\n"
  );
}
