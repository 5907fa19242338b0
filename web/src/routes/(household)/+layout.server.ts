import { error } from "@sveltejs/kit";
import { parseAddress } from "#lib/address.ts";
import { viewerOf } from "#lib/server/auth/viewer.ts";
import type { LayoutServerLoad } from "./$types";

/**
 * hooks.server.ts decided; a refused request gets its 403 page here, in the user's language. The
 * household whose pages these are (checksummed, for the household navigation) is undefined when the
 * address is malformed: the page then answers 400 itself.
 */
export const load: LayoutServerLoad = ({ locals, params }) => {
  if (locals.access !== "allow") error(403, "forbidden", { code: "forbidden" });
  return { viewer: viewerOf(locals.user, locals.roles), household: parseAddress(params.address ?? "") };
};
