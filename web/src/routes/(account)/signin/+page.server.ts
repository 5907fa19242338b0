import { safeNext } from "#lib/server/auth/guard.ts";
import { viewerOf } from "#lib/server/auth/viewer.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => ({
  viewer: viewerOf(locals.user, locals.roles),
  next: safeNext(url.searchParams.get("next")),
  signedOut: url.searchParams.has("signedOut"),
});
