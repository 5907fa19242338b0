import type { MessageKey } from "./i18n/messages.ts";

/**
 * The portal's navigation: which links a viewer sees, and which is the current page. Links are plain
 * paths: the portal is served at the root of its host (no `paths.base`), and some console and household
 * pages are built alongside this list, so `resolve()` with its typed route ids cannot name them yet.
 */
export type NavLink = {
  path: string;
  label: MessageKey;
  /** The link stands for a whole area with a navigation of its own (the household's pages). */
  section?: boolean;
  /** Only the operator role may use the page (the others would get 403). */
  operatorOnly?: boolean;
};

/** Who is signed in, as the layouts know it (viewer.ts); undefined when nobody is. */
export type NavViewer = { account: string; console: boolean; operator?: boolean } | undefined;

const HOME: NavLink = { path: "/", label: "nav.home" };

/** The console's pages for operators, auditors and treasurers; each page checks the exact role itself. */
const CONSOLE_LINKS: readonly NavLink[] = [
  { path: "/operator", label: "nav.operator" },
  { path: "/operator/neighbourhoods", label: "nav.neighbourhoods" },
  { path: "/operator/meters", label: "nav.meters" },
  { path: "/operator/requests", label: "nav.requests" },
  { path: "/operator/households", label: "nav.households" },
  { path: "/operator/invitations", label: "nav.invitations", operatorOnly: true },
  { path: "/operator/audit", label: "nav.audit" },
  { path: "/operator/bridge", label: "nav.bridge" },
];

/**
 * The main navigation: nobody signed in sees only the start page (sign-in has its own link); a console
 * viewer sees the console's pages; a household sees its own area, whose pages the household layout lists.
 */
export function mainLinks(viewer: NavViewer): NavLink[] {
  if (!viewer) return [HOME];
  if (viewer.console) return [HOME, ...CONSOLE_LINKS.filter((link) => !link.operatorOnly || viewer.operator)];
  return [HOME, { path: householdPath(viewer.account), label: "nav.household", section: true }];
}

const householdPath = (account: string) => `/household/${encodeURIComponent(account)}`;

/** The pages of one household, for the household itself or a console viewer looking at it. */
export function householdLinks(account: string): NavLink[] {
  const home = householdPath(account);
  return [
    { path: home, label: "nav.household.overview" },
    { path: `${home}/flows`, label: "nav.household.flows" },
    { path: `${home}/statement`, label: "nav.household.statement" },
    { path: `${home}/money`, label: "nav.household.money" },
    { path: `${home}/contracts`, label: "nav.household.contracts" },
    { path: `${home}/tariffs`, label: "nav.household.tariffs" },
    { path: `${home}/preferences`, label: "nav.household.preferences" },
  ];
}

/** Paths compare without a trailing slash and in lower case (addresses come in any case). */
const comparable = (path: string) => (path.replace(/(.)\/+$/, "$1") || "/").toLowerCase();

/**
 * The link's aria-current: "page" on its own page; "true" on any page within a section link's area
 * (the household's main-nav link while one of its pages is open); else none.
 */
export function currentOf(link: NavLink, pathname: string): "page" | "true" | undefined {
  const here = comparable(pathname);
  const target = comparable(link.path);
  if (here === target) return "page";
  return link.section && here.startsWith(`${target}/`) ? "true" : undefined;
}
