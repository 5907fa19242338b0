/** The report's words in German and English, and number formats for each. */

export const LANGUAGES = ["de", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

const de = {
  title: "Jahressimulation",
  intro: (households: number, withPv: number, intervals: number, year: number, place: string) =>
    `${households} Haushalte, davon ${withPv} mit PV; ${intervals} Viertelstunden des Jahres ${year} einzeln abgerechnet wie auf der Chain (Referenzabrechnung von @nachbarstrom/core). Standort ${place}.`,
  keyFigures: "Kennzahlen",
  figure: "Kennzahl",
  value: "Wert",
  unit: "Einheit",
  households: "Haushalte (davon mit PV)",
  consumption: "Verbrauch",
  heatPumps: (n: number) => `davon Wärmepumpen (${n})`,
  evs: (n: number) => `davon Laden von Elektroautos (${n})`,
  batteryCharged: (n: number) => `In Heimspeicher geladen (${n})`,
  batteryDischarged: "Aus Heimspeichern entladen",
  production: "PV-Erzeugung",
  selfConsumed: "Eigenverbrauch hinter dem Zähler",
  localBought: "Von Nachbarn bezogen",
  localSold: "An Nachbarn geliefert",
  gridImport: "Netzbezug",
  gridExport: "Netzeinspeisung",
  selfSufficiency: "Autarkiegrad der Nachbarschaft (ohne Teilen)",
  selfConsumption: "Eigenverbrauchsquote der Nachbarschaft (ohne Teilen)",
  localShare: "Anteil der Nachbarn am gemessenen Bezug",
  paid: "Von Haushalten bezahlt (brutto)",
  received: "An Haushalte ausgezahlt",
  gridOnly: "Rechnung nur mit Netz (Bezug − Einspeisevergütung)",
  savings: "Ersparnis aller Haushalte gegenüber nur Netz",
  savingsSpread: "Ersparnis je Haushalt: Median (Minimum … Maximum)",
  extraIncome: "Mehrerlös der Erzeuger gegenüber nur Einspeisung",
  utility: "Einnahmen des Stadtwerks: bezahlt − ausgezahlt (nur Netz)",
  poolGap: "Rundung im Pool: bezogen, aber keinem Erzeuger gutgeschrieben",
  definitions: "Begriffe",
  definitionList: [
    "Verbrauch: alles hinter dem Zähler: Haushalt, Wärmepumpe, Elektroauto und die Verluste des Heimspeichers (mit dem, was er am Ende noch hält).",
    "Eigenverbrauch: PV-Strom, den ein Haushalt selbst nutzt, direkt oder über seinen Speicher; kein Zähler sieht ihn.",
    "Autarkiegrad: (Eigenverbrauch + von Nachbarn bezogen) ÷ Verbrauch.",
    "Eigenverbrauchsquote: (Eigenverbrauch + an Nachbarn geliefert) ÷ PV-Erzeugung.",
    "Anteil der Nachbarn am Bezug: von Nachbarn bezogen ÷ gemessener Bezug aller Zähler.",
    "Rechnung nur mit Netz: derselbe Bezug zum Netzpreis, dieselbe Einspeisung zur Einspeisevergütung, je Viertelstunde gerundet wie die Abrechnung.",
    "Einnahmen des Stadtwerks: was die Haushalte zahlen minus was sie erhalten, einschließlich Umsatzsteuer, Stromsteuer und Umlagen, die es weiterreicht.",
  ],
  householdTable: "Haushalte",
  label: "Haushalt",
  annualKwh: "Jahresverbrauch laut Szenario",
  pvKwp: "PV",
  net: "Netto bezahlt",
  householdSavings: "Ersparnis",
  plots: "Diagramme",
  dataTable: "Daten als Tabelle",
  monthlyTitle: "Energiebilanz je Monat",
  monthlyDesc: (max: string) =>
    `Je Monat links der Verbrauch der Nachbarschaft, gestapelt aus Eigenverbrauch, Bezug von Nachbarn und Netzbezug; rechts die PV-Erzeugung aus Eigenverbrauch, Lieferung an Nachbarn und Einspeisung. Größter Monatswert ${max}.`,
  month: "Monat",
  bars: "links Verbrauch, rechts Erzeugung",
  dayTitle: (season: string) => `Typischer ${season}tag der Nachbarschaft`,
  summer: "Sommer",
  winter: "Winter",
  dayDesc: (season: string, days: number, peak: string, pvPeak: string) =>
    `Mittlere Leistung je Viertelstunde über die ${days} Tage im ${season}: Verbrauch bis ${peak}, PV-Erzeugung bis ${pvPeak}, dazu Bezug von Nachbarn, Netzbezug und Einspeisung.`,
  july: "Juli",
  january: "Januar",
  time: "Uhrzeit",
  power: "Leistung",
  savingsTitle: "Verteilung der Ersparnis je Haushalt",
  savingsDesc: (n: number, median: string, min: string, max: string) =>
    `Histogramm der jährlichen Ersparnis gegenüber nur Netz für ${n} Haushalte, getrennt nach Haushalten mit und ohne PV: Median ${median}, von ${min} bis ${max}.`,
  savingsAxis: "Ersparnis im Jahr",
  count: "Haushalte",
  withPv: "mit PV",
  withoutPv: "ohne PV",
  range: "Bereich",
};

export type Texts = typeof de;

const en: Texts = {
  title: "Yearly simulation",
  intro: (households, withPv, intervals, year, place) =>
    `${households} households, ${withPv} of them with PV; ${intervals} quarter hours of ${year}, each settled as on the chain (the reference settlement of @nachbarstrom/core). Location ${place}.`,
  keyFigures: "Key figures",
  figure: "Figure",
  value: "Value",
  unit: "Unit",
  households: "Households (with PV)",
  consumption: "Consumption",
  heatPumps: (n: number) => `of which heat pumps (${n})`,
  evs: (n: number) => `of which electric car charging (${n})`,
  batteryCharged: (n: number) => `Charged into home batteries (${n})`,
  batteryDischarged: "Discharged from home batteries",
  production: "PV production",
  selfConsumed: "Self-consumed behind the meter",
  localBought: "Bought from neighbours",
  localSold: "Sold to neighbours",
  gridImport: "Grid import",
  gridExport: "Fed into the grid",
  selfSufficiency: "Self-sufficiency of the neighbourhood (without sharing)",
  selfConsumption: "Self-consumption of the neighbourhood (without sharing)",
  localShare: "Share of metered demand met by neighbours",
  paid: "Paid by households (gross)",
  received: "Paid out to households",
  gridOnly: "Bill with the grid alone (supply − feed-in)",
  savings: "Savings of all households against the grid alone",
  savingsSpread: "Savings per household: median (minimum … maximum)",
  extraIncome: "Producers' extra income against feed-in alone",
  utility: "Utility's receipts: paid − paid out (grid alone)",
  poolGap: "Pool rounding: bought, but credited to no producer",
  definitions: "Definitions",
  definitionList: [
    "Consumption: everything behind the meter: the household, its heat pump and electric car, and its home battery's losses (with what it still holds at the end).",
    "Self-consumed: PV power a household uses itself; no meter sees it.",
    "Self-sufficiency: (self-consumed + bought from neighbours) ÷ consumption.",
    "Self-consumption: (self-consumed + sold to neighbours) ÷ PV production.",
    "Share met by neighbours: bought from neighbours ÷ metered import of all meters.",
    "Bill with the grid alone: the same import at the grid price and the same export at the feed-in price, rounded per quarter hour as settlement rounds.",
    "Utility's receipts: what the households pay minus what they receive, including the VAT, electricity tax and levies it passes on.",
  ],
  householdTable: "Households",
  label: "Household",
  annualKwh: "Annual consumption in the scenario",
  pvKwp: "PV",
  net: "Net paid",
  householdSavings: "Savings",
  plots: "Charts",
  dataTable: "Data as a table",
  monthlyTitle: "Energy balance per month",
  monthlyDesc: (max) =>
    `Per month, left: the neighbourhood's consumption, stacked from self-consumption, energy from neighbours and grid import; right: PV production, stacked from self-consumption, energy to neighbours and feed-in. Largest monthly value ${max}.`,
  month: "Month",
  bars: "left consumption, right production",
  dayTitle: (season) => `A typical ${season.toLowerCase()} day of the neighbourhood`,
  summer: "Summer",
  winter: "Winter",
  dayDesc: (season, days, peak, pvPeak) =>
    `Mean power per quarter hour over the ${days} days of ${season}: consumption up to ${peak}, PV production up to ${pvPeak}, with energy from neighbours, grid import and feed-in.`,
  july: "July",
  january: "January",
  time: "Time of day",
  power: "Power",
  savingsTitle: "Savings per household",
  savingsDesc: (n, median, min, max) =>
    `Histogram of the yearly savings against the grid alone for ${n} households, households with and without PV apart: median ${median}, from ${min} to ${max}.`,
  savingsAxis: "Savings per year",
  count: "Households",
  withPv: "with PV",
  withoutPv: "without PV",
  range: "Range",
};

export function textsFor(language: Language): Texts {
  return language === "de" ? de : en;
}

/** Number formats of the language: fixed decimals, percentages, euros from micro-euro. */
export function formatsFor(language: Language) {
  const locale = language === "de" ? "de-DE" : "en-GB";
  const cache = new Map<number, Intl.NumberFormat>();
  const fixed = (value: number, decimals = 0): string => {
    if (!cache.has(decimals)) {
      cache.set(
        decimals,
        new Intl.NumberFormat(locale, { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
      );
    }
    return (cache.get(decimals) as Intl.NumberFormat).format(value);
  };
  const upToTwo = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return {
    locale,
    fixed,
    /** Axis ticks: as many decimals as the value has, at most two. */
    tick: (value: number): string => upToTwo.format(value),
    /** A share as a percentage without the sign (the unit goes beside it); "–" when undefined. */
    percent: (share: number | null): string => (share === null ? "–" : fixed(share * 100, 1)),
    euros: (microEuro: bigint): string => fixed(Number(microEuro) / 1e6, 2),
    monthName: (month: number): string =>
      new Intl.DateTimeFormat(locale, { month: "short", timeZone: "UTC" }).format(Date.UTC(2026, month, 15)),
  };
}

export type Formats = ReturnType<typeof formatsFor>;
