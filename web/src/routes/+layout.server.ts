import { viewerOf } from "#lib/server/auth/viewer.ts";
import type { LayoutServerLoad } from "./$types";

/** The language, and who is signed in (for the navigation), on every page. */
export const load: LayoutServerLoad = ({ locals }) => ({
  locale: locals.locale,
  viewer: viewerOf(locals.user, locals.roles),
});
