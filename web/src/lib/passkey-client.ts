import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  WebAuthnError,
} from "@simplewebauthn/browser";
import type { MessageKey } from "./i18n/messages.ts";
import { postJson } from "./post-json.ts";

/** The outcome of a passkey ceremony in the browser: where to go next, or which message to show. */
export type PasskeyOutcome = { ok: true; location: string } | { ok: false; message: MessageKey; field?: "code" };

type ServerProblem = { problem?: string; field?: "code" };

/** The message of a problem the server names (`invitation.error.*`, `passkey.error.*`). */
async function problemOf(response: Response): Promise<PasskeyOutcome> {
  const body = (await response.json().catch(() => ({}))) as ServerProblem;
  const message = (body.problem ?? "passkey.error.network") as MessageKey;
  return { ok: false, message, field: body.field };
}

/** The browser's answer to a cancelled or refused prompt, as a message. */
function browserProblem(cause: unknown): PasskeyOutcome {
  if (cause instanceof WebAuthnError && cause.code === "ERROR_CEREMONY_ABORTED") {
    return { ok: false, message: "passkey.error.cancelled" };
  }
  if (cause instanceof Error && cause.name === "NotAllowedError")
    return { ok: false, message: "passkey.error.cancelled" };
  if (cause instanceof Error && cause.name === "InvalidStateError") {
    return { ok: false, message: "passkey.error.exists" };
  }
  return { ok: false, message: "passkey.error.browser" };
}

async function ceremony(
  optionsUrl: string,
  optionsBody: unknown,
  verifyUrl: string,
  next: string | undefined,
  start: (optionsJSON: never) => Promise<unknown>,
): Promise<PasskeyOutcome> {
  if (!browserSupportsWebAuthn()) return { ok: false, message: "passkey.error.unsupported" };
  let response: Response;
  try {
    response = await postJson(optionsUrl, optionsBody);
    if (!response.ok) return await problemOf(response);
    const optionsJSON = (await response.json()) as never;
    let credential: unknown;
    try {
      credential = await start(optionsJSON);
    } catch (cause) {
      return browserProblem(cause);
    }
    response = await postJson(verifyUrl, { response: credential, next });
    if (!response.ok) return await problemOf(response);
    const { location } = (await response.json()) as { location: string };
    return { ok: true, location };
  } catch {
    return { ok: false, message: "passkey.error.network" };
  }
}

/** Redeems an invitation code: a new passkey for its account, then a session. */
export function registerPasskey(code: string, next: string | undefined): Promise<PasskeyOutcome> {
  return ceremony("/invitation/options", { code }, "/invitation/verify", next, (optionsJSON) =>
    startRegistration({ optionsJSON }),
  );
}

/** Signs in with a passkey the browser or phone offers (discoverable credential). */
export function signInWithPasskey(next: string | undefined): Promise<PasskeyOutcome> {
  return ceremony("/signin/options", {}, "/signin/verify", next, (optionsJSON) => startAuthentication({ optionsJSON }));
}
