import type { IssuedInvitation } from "../auth/issue.ts";
import { issueInvitation } from "../auth/invitations.ts";
import type { AccountsStore } from "../auth/store.ts";
import { recordDone } from "../actions/store.ts";
import { meterDirectoryPath } from "./directory-file.ts";
import { syncDirectoryFile } from "./directory-sync.ts";
import { claimInvitation, findMeteringPoint, type Registration } from "./metering-points.ts";

/** What the page learns after its registerMeter action. */
export type AfterRegistration = {
  registration: Registration | "unknown";
  /** Whether the bridge's directory file has it: "written" (now or before), or why not. */
  directory: "written" | "waiting" | "not-configured";
  /** A new household's invitation, shown this once. */
  invitation?: IssuedInvitation;
};

/**
 * What follows a confirmed registration, once: the metering point goes into the bridge's directory
 * file (directory-sync.ts), and a new household's invitation is issued and answered this one time (the
 * audit log records it as "invitation.issue", never the code). Also safe to call again: a page load
 * syncs the file too, and a second call issues no second code.
 */
export async function afterRegistration(
  store: AccountsStore,
  {
    meteringPointId,
    by,
    origin,
  }: { meteringPointId: string; by: { account: `0x${string}`; userId: number }; origin: string },
): Promise<AfterRegistration> {
  const point = await findMeteringPoint(store, meteringPointId);
  if (!point) return { registration: "unknown", directory: "waiting" };
  const file = meterDirectoryPath();
  if (point.registration !== "registered") {
    return { registration: point.registration, directory: file ? "waiting" : "not-configured" };
  }
  if (file) await syncDirectoryFile(store, file);
  const invitation = await store.transaction(async () => {
    if (!(await claimInvitation(store, meteringPointId))) return undefined;
    const { code, account, expiresAt } = await issueInvitation(store, { account: point.owner });
    const issued: IssuedInvitation = {
      code,
      account,
      custody: "server",
      expiresAt: new Date(expiresAt).toISOString(),
      link: new URL(`/invitation?code=${encodeURIComponent(code)}`, origin).href,
    };
    await recordDone(store, {
      account: by.account,
      userId: by.userId,
      kind: "invitation.issue",
      details: { account, custody: "server", expiresAt: issued.expiresAt, meterId: point.meterId },
    });
    return issued;
  });
  return { registration: "registered", directory: file ? "written" : "not-configured", invitation };
}
