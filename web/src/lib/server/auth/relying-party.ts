/** The WebAuthn relying party: the portal's host name (RP id) and the exact origin passkeys are bound to. */
export type RelyingParty = { id: string; origin: string; name: string; userDisplayName: string };

/**
 * From ORIGIN (what adapter-node uses behind a proxy), else from the request's URL. Passkeys made for
 * one host name work only there: moving the portal to another host needs new passkeys.
 */
export function relyingParty(
  url: URL,
  { name, userDisplayName }: { name: string; userDisplayName: string },
  env: Readonly<Record<string, string | undefined>> = process.env,
): RelyingParty {
  const origin = new URL(env.ORIGIN || url.origin);
  return { id: origin.hostname, origin: origin.origin, name, userDisplayName };
}
