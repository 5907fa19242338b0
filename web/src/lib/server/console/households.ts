import { creditTokenAbi } from "@nachbarstrom/core/abi";
import { getAddress, type Address } from "viem";
import type { PortalContext } from "../chain.ts";
import { cachedAccountRoles } from "../auth/roles.ts";
import type { AccountsStore } from "../auth/store.ts";
import { erasureRequestOf } from "../erasure-request.ts";
import { meterCountsByOwner } from "../read-model/queries.ts";
import { erasureProblem, type ErasureProblem, type ErasureState } from "./erasure.ts";

/** An account the portal knows, as the erasure page lists it. */
export type HouseholdRow = {
  account: Address;
  custody: "server" | "external";
  passkeys: number;
  /** Unix ms of the newest passkey use; undefined when never signed in. */
  lastSignIn: number | undefined;
  /** Meters registered to the account on chain, and how many of them are not retired. */
  meters: number;
  activeMeters: number;
  /** CreditToken.positionOf and debtOf, now. */
  position: bigint;
  debt: bigint;
  /** Why the link cannot be erased now, if it cannot. */
  problem: ErasureProblem | undefined;
  /** When the household asked for erasure on its privacy page (unix ms), if it did. */
  erasureRequestedAt: number | undefined;
};

/** The accounts database's accounts with their passkeys and newest sign-in, oldest account first. */
async function knownAccounts(store: AccountsStore) {
  const rows = await store
    .prepare(
      `SELECT a.address, a.custody, count(c.id) AS passkeys, max(c.last_used_at) AS last_sign_in
       FROM accounts a LEFT JOIN users u ON u.account = a.address LEFT JOIN credentials c ON c.user_id = u.id
       GROUP BY a.address ORDER BY a.created_at, a.address`,
    )
    .all();
  return rows.map((row) => ({
    account: getAddress(String(row.address)),
    custody: row.custody as "server" | "external",
    passkeys: Number(row.passkeys),
    lastSignIn: row.last_sign_in === null ? undefined : Number(row.last_sign_in),
  }));
}

/** What the chain and the read model say about an account, for erasureProblem. */
async function stateOf(
  chain: PortalContext,
  account: Address,
  counts: Map<string, { meters: number; active: number }>,
  known: boolean,
): Promise<ErasureState & { meters: number }> {
  const token = { address: chain.deployment.contracts.creditToken, abi: creditTokenAbi } as const;
  const [position, debt, roles] = await Promise.all([
    chain.client.readContract({ ...token, functionName: "positionOf", args: [account] }),
    chain.client.readContract({ ...token, functionName: "debtOf", args: [account] }),
    cachedAccountRoles(chain, account),
  ]);
  const meters = counts.get(account.toLowerCase()) ?? { meters: 0, active: 0 };
  return {
    known,
    meters: meters.meters,
    activeMeters: meters.active,
    position,
    debt,
    consoleRole: roles.operator || roles.auditor || roles.treasurer,
  };
}

/** Every account the portal knows, with its meters, money and whether its link may be erased now. */
export async function householdRows(chain: PortalContext, store: AccountsStore): Promise<HouseholdRow[]> {
  const counts = await meterCountsByOwner(chain.readModel);
  return Promise.all(
    (await knownAccounts(store)).map(async (known) => {
      const state = await stateOf(chain, known.account, counts, true);
      return {
        ...known,
        meters: state.meters,
        activeMeters: state.activeMeters,
        position: state.position,
        debt: state.debt,
        problem: erasureProblem(state),
        erasureRequestedAt: await erasureRequestOf(store, known.account),
      };
    }),
  );
}

/** Why `account`'s link cannot be erased now, read fresh from the accounts database and the chain. */
export async function erasureProblemOf(
  chain: PortalContext,
  store: AccountsStore,
  account: Address,
): Promise<ErasureProblem | undefined> {
  const known = await store.prepare("SELECT 1 AS known FROM accounts WHERE address = ?").get(getAddress(account));
  return erasureProblem(await stateOf(chain, account, await meterCountsByOwner(chain.readModel), known !== undefined));
}
