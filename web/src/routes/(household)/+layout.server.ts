import { error } from "@sveltejs/kit";
import { viewerOf } from "#lib/server/auth/viewer.ts";
import type { LayoutServerLoad } from "./$types";

/** hooks.server.ts decided; a refused request gets its 403 page here, in the user's language. */
export const load: LayoutServerLoad = ({ locals }) => {
  if (locals.access !== "allow") error(403, "forbidden", { code: "forbidden" });
  return { viewer: viewerOf(locals.user, locals.roles) };
};
