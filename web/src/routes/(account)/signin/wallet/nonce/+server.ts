import { json } from "@sveltejs/kit";
import { readChain } from "#lib/server/chain.ts";
import { readJsonBody, signInRateLimited } from "#lib/server/auth/endpoint.ts";
import { SIWE_ATTEMPT_COOKIE, SIWE_NONCE_VALIDITY_MS, issueSiweNonce, siweExpectation } from "#lib/server/auth/siwe.ts";
import { accountsStore } from "#lib/server/auth/store.ts";
import type { RequestHandler } from "./$types";

/**
 * A nonce for a Sign-In with Ethereum message and what the message must name (domain, uri, chain id,
 * times). The nonce is bound to this browser by a short-lived cookie that only /signin/wallet sees.
 */
export const POST: RequestHandler = async (event) => {
  await readJsonBody(event);
  const limited = signInRateLimited(event);
  if (limited) return limited;
  const chainId = await readChain(async ({ deployment }) => deployment.chainId);
  const { nonce, attempt, issuedAt, expiresAt } = await issueSiweNonce(await accountsStore());
  event.cookies.set(SIWE_ATTEMPT_COOKIE, attempt, {
    path: "/signin/wallet",
    httpOnly: true,
    sameSite: "strict",
    secure: event.url.protocol === "https:",
    maxAge: SIWE_NONCE_VALIDITY_MS / 1000,
  });
  return json({
    ...siweExpectation(event.url, chainId),
    nonce,
    issuedAt: new Date(issuedAt).toISOString(),
    expirationTime: new Date(expiresAt).toISOString(),
  });
};
