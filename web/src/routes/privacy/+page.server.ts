import { accountsStore } from "#lib/server/auth/store.ts";
import { erasureRequestOf } from "#lib/server/erasure-request.ts";
import type { PageServerLoad } from "./$types";

/** Public; a signed-in user also sees whether it asked for erasure and can ask (./erasure-request). */
export const load: PageServerLoad = async ({ locals }) => {
  const user = locals.user;
  return { erasure: user ? { requestedAt: await erasureRequestOf(await accountsStore(), user.account) } : undefined };
};
