import { readChain } from "#lib/server/chain.ts";
import { problem, readJsonBody, signInRateLimited, startSession } from "#lib/server/auth/endpoint.ts";
import { SIWE_ATTEMPT_COOKIE, siweExpectation, verifySiweSignIn, WalletSignInError } from "#lib/server/auth/siwe.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/** Checks the signed EIP-4361 message; on success a session starts and the answer says where to go. */
export const POST: RequestHandler = async (event) => {
  const body = await readJsonBody(event);
  const limited = signInRateLimited(event);
  if (limited) return limited;
  if (typeof body.message !== "string" || typeof body.signature !== "string") {
    return problem(400, "wallet.error.not-verified");
  }
  const { message, signature } = body;
  const attempt = event.cookies.get(SIWE_ATTEMPT_COOKIE);
  event.cookies.delete(SIWE_ATTEMPT_COOKIE, { path: "/signin/wallet" });
  const store = await accountsStore();
  // readChain turns any error inside it into a 503: take the chain's client out, verify outside.
  const { deployment, client } = await readChain(async (chain) => chain);
  try {
    const { userId } = await verifySiweSignIn(store, {
      message,
      signature,
      attempt,
      expected: siweExpectation(event.url, deployment.chainId),
      client,
    });
    return await startSession(event, store, { userId, next: body.next });
  } catch (cause) {
    if (cause instanceof WalletSignInError) {
      console.warn(`[web] wallet sign-in refused: ${cause.shortMessage}${cause.details ? ` (${cause.details})` : ""}`);
      const status = cause.problem === "challenge" ? 400 : cause.problem === "not-verified" ? 401 : 403;
      return problem(status, `wallet.error.${cause.problem}`);
    }
    throw cause;
  }
};
