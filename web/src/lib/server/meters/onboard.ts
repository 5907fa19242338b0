import { randomBytes } from "node:crypto";
import type { RequestEvent } from "@sveltejs/kit";
import { meterId } from "@nachbarstrom/core/ids";
import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import { getAddress, toHex, type Address, type Hex } from "viem";
import { parseAddress } from "../../address.ts";
import { actionProblem, prepareActionResponse } from "../actions/endpoint.ts";
import { newCustodialAccount } from "../auth/invitations.ts";
import { portalEncryptionKey } from "../auth/portal.ts";
import { accountsStore, type AccountsStore } from "../auth/store.ts";
import { knownNeighbourhoods } from "../console/tariff-announce-rules.ts";
import { meterDirectoryPath, readDirectoryFile } from "./directory-file.ts";
import { parseMeteringPointId } from "./metering-point-id.ts";
import { deleteMeteringPoint, findMeteringPoint, insertMeteringPoint, tieRegistration } from "./metering-points.ts";

/** The owner field's value for "a new household": the portal creates its account. */
export const NEW_HOUSEHOLD = "new";

/** What the form posts. */
export type OnboardBody = { meteringPointId?: unknown; neighbourhood?: unknown; owner?: unknown };

/** Whether the portal knows the account (a row in `accounts`). */
async function knownAccount(store: AccountsStore, account: Address): Promise<boolean> {
  return (await store.prepare("SELECT 1 AS known FROM accounts WHERE address = ?").get(account)) !== undefined;
}

/** Removes an account created for a registration that could not be prepared: nobody was invited to it. */
async function dropUnusedAccount(store: AccountsStore, account: Address): Promise<void> {
  await store
    .prepare("DELETE FROM accounts WHERE address = ? AND NOT EXISTS (SELECT 1 FROM users WHERE account = ?)")
    .run(account, account);
}

/**
 * The operator's "add a metering point": checks the metering point id (a Zählpunktbezeichnung not yet
 * known to the portal or the bridge's directory), the neighbourhood (registered on chain and named in
 * the directory, which gives its slug) and the owner (an account the portal knows, or a new household's
 * custodial account created now); draws a random 32-byte salt, computes the meter id, stores the row
 * waiting for its action and prepares MeterRegistry.registerMeter(meterId, neighbourhood, owner). The
 * metering point id and the salt go neither into the call nor into the audit log. The caller has
 * checked the operator role.
 */
export async function prepareOnboarding(event: RequestEvent, body: OnboardBody): Promise<Response> {
  const store = await accountsStore();
  const file = meterDirectoryPath();
  let stored: string | undefined;
  let created: Address | undefined;
  const forget = async () => {
    if (stored) await deleteMeteringPoint(store, stored);
    if (created) await dropUnusedAccount(store, created);
  };
  let response: Response;
  try {
    response = await prepareActionResponse(event, async ({ readModel }) => {
      if (!file) return actionProblem({ problem: "meters.error.directory" }, 503);
      const id = parseMeteringPointId(typeof body.meteringPointId === "string" ? body.meteringPointId : "");
      if (!id) return actionProblem({ problem: "meters.error.meteringPointId", field: "meteringPointId" });
      const directory = readDirectoryFile(file);
      const inFile = directory.neighbourhoods.some((hood) => hood.meters.some((m) => m.meteringPointId === id));
      const inStore = await findMeteringPoint(store, id);
      if (inFile || (inStore && inStore.registration !== "failed")) {
        return actionProblem({ problem: "meters.error.known", field: "meteringPointId" }, 409);
      }
      const neighbourhood = typeof body.neighbourhood === "string" ? body.neighbourhood.toLowerCase() : "";
      const hood = directory.neighbourhoods.find((h) => h.id.toLowerCase() === neighbourhood);
      const onChain = (await knownNeighbourhoods(readModel)).includes(neighbourhood as Hex);
      if (!hood || !onChain) return actionProblem({ problem: "meters.error.neighbourhood", field: "neighbourhood" });
      let owner: Address | undefined;
      if (body.owner === NEW_HOUSEHOLD) {
        owner = created = await newCustodialAccount(store, portalEncryptionKey());
      } else {
        owner = parseAddress(typeof body.owner === "string" ? body.owner.trim() : "");
        if (!owner || !(await knownAccount(store, owner)))
          return actionProblem({ problem: "meters.error.owner", field: "owner" });
      }
      const salt = toHex(randomBytes(32));
      const meter: Hex = meterId(salt, id);
      const neighbourhoodId = hood.id as Hex;
      if (
        !(await insertMeteringPoint(store, {
          meteringPointId: id,
          salt,
          meterId: meter,
          owner,
          neighbourhood: neighbourhoodId,
          slug: hood.slug,
          invite: created !== undefined,
        }))
      ) {
        return actionProblem({ problem: "meters.error.known", field: "meteringPointId" }, 409);
      }
      stored = id;
      return {
        kind: "meter.register",
        // Pseudonymous only: the audit log and the chain never see the metering point id or its salt.
        details: {
          meterId: meter,
          neighbourhood: neighbourhoodId,
          owner: getAddress(owner),
          newHousehold: created !== undefined,
        },
        call: {
          contract: "meterRegistry",
          abi: meterRegistryAbi,
          functionName: "registerMeter",
          args: [meter, neighbourhoodId, owner],
        },
      };
    });
  } catch (cause) {
    await forget();
    throw cause;
  }
  if (!response.ok) {
    await forget();
    return response;
  }
  const prepared = (await response.clone().json()) as { id: string };
  await tieRegistration(store, stored!, prepared.id);
  return response;
}
