/**
 * The message catalogues, one file per area and language (catalogue/<area>.<de|en>.json), so each part
 * of the portal keeps its texts in its own file. Keys start with their area's prefixes.
 */
import accountDe from "./catalogue/account.de.json" with { type: "json" };
import accountEn from "./catalogue/account.en.json" with { type: "json" };
import bridgeDe from "./catalogue/bridge.de.json" with { type: "json" };
import bridgeEn from "./catalogue/bridge.en.json" with { type: "json" };
import householdDe from "./catalogue/household.de.json" with { type: "json" };
import householdEn from "./catalogue/household.en.json" with { type: "json" };
import operatorDe from "./catalogue/operator.de.json" with { type: "json" };
import operatorEn from "./catalogue/operator.en.json" with { type: "json" };
import actionDe from "./catalogue/action.de.json" with { type: "json" };
import actionEn from "./catalogue/action.en.json" with { type: "json" };
import contractsDe from "./catalogue/contracts.de.json" with { type: "json" };
import contractsEn from "./catalogue/contracts.en.json" with { type: "json" };
import moneyDe from "./catalogue/money.de.json" with { type: "json" };
import moneyEn from "./catalogue/money.en.json" with { type: "json" };
import auditDe from "./catalogue/audit.de.json" with { type: "json" };
import auditEn from "./catalogue/audit.en.json" with { type: "json" };
import metersDe from "./catalogue/meters.de.json" with { type: "json" };
import metersEn from "./catalogue/meters.en.json" with { type: "json" };
import siteDe from "./catalogue/site.de.json" with { type: "json" };
import siteEn from "./catalogue/site.en.json" with { type: "json" };

/** German, the reference catalogue: every key. */
export const de = {
  ...siteDe,
  ...householdDe,
  ...operatorDe,
  ...bridgeDe,
  ...accountDe,
  ...actionDe,
  ...contractsDe,
  ...moneyDe,
  ...auditDe,
  ...metersDe,
};

/** English, typed against the German keys in messages.ts. */
export const en = {
  ...siteEn,
  ...householdEn,
  ...operatorEn,
  ...bridgeEn,
  ...accountEn,
  ...actionEn,
  ...contractsEn,
  ...moneyEn,
  ...auditEn,
  ...metersEn,
};

/** Each area's files, for the test that no key is defined twice. */
export const areas = {
  site: { de: siteDe, en: siteEn },
  household: { de: householdDe, en: householdEn },
  operator: { de: operatorDe, en: operatorEn },
  bridge: { de: bridgeDe, en: bridgeEn },
  account: { de: accountDe, en: accountEn },
  action: { de: actionDe, en: actionEn },
  contracts: { de: contractsDe, en: contractsEn },
  money: { de: moneyDe, en: moneyEn },
  audit: { de: auditDe, en: auditEn },
  meters: { de: metersDe, en: metersEn },
};
