import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import { readChain } from "#lib/server/chain.ts";
import { readHouseholdMoney } from "#lib/server/money/household-money.ts";
import type { PageServerLoad } from "./$types";

/**
 * The household's top-ups and pay-outs: balance and debt from the chain, its requests from the
 * accounts database. The household itself may ask and cancel; the console sees it read-only.
 */
export const load: PageServerLoad = async ({ params, locals }) => {
  if (locals.access !== "allow") error(403, "forbidden", { code: "forbidden" });
  const owner = parseAddress(params.address);
  if (!owner) {
    error(400, "invalid account address", { code: "address-invalid", details: `got "${params.address}"` });
  }
  const money = await readChain(async (chain) => readHouseholdMoney(await accountsStore(), chain, owner));
  return { money, own: locals.user?.account === owner };
};
