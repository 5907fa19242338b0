/**
 * The offline year's report: one HTML page (German or English) with the key figures, the charts
 * inline with their data tables as text alternatives, and the definitions; beside it each chart as
 * an SVG file and the full result as JSON (amounts as strings of whole Wh and micro-euro).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { plots, type Plot } from "./plots.ts";
import { formatsFor, textsFor, type Formats, type Language, type Texts } from "./report-text.ts";
import type { Scenario } from "./scenario.ts";
import { escapeXml } from "./svg.ts";
import type { YearResult } from "./year.ts";

export type WriteReportParameters = { result: YearResult; scenario: Scenario; outDir: string; language: Language };
/** Paths of the files written, the HTML page first. */
export type WriteReportReturnType = Promise<string[]>;

/** Households listed one by one in the HTML up to this many; the JSON always has all. */
const HOUSEHOLD_ROWS = 60;

export async function writeReport({
  result,
  scenario,
  outDir,
  language,
}: WriteReportParameters): WriteReportReturnType {
  const [t, f] = [textsFor(language), formatsFor(language)];
  const charts = plots(result, t, f);
  await mkdir(outDir, { recursive: true });
  const files = new Map<string, string>([
    ["report.html", html(result, scenario, charts, language, t, f)],
    ...charts.map((chart): [string, string] => [chart.file, chart.svg]),
    ["year.json", `${JSON.stringify(result, (_, value) => (typeof value === "bigint" ? String(value) : value), 2)}\n`],
  ]);
  for (const [name, content] of files) await writeFile(join(outDir, name), content);
  return [...files.keys()].map((name) => join(outDir, name));
}

/** The key figures as rows of [figure, value, unit], in the report's language. */
export function keyFigures(result: YearResult, t: Texts, f: Formats): [string, string, string][] {
  const { energy, money, kpis } = result.total;
  const small = energy.consumptionWh < 100_000_000n;
  const [unit, divisor] = small ? ["kWh", 1e3] : ["MWh", 1e6];
  const wh = (value: bigint): [string, string] => [f.fixed(Number(value) / divisor, 1), unit];
  const eur = (value: bigint): [string, string] => [f.euros(value), "€"];
  const pct = (share: number | null, alone: number | null): [string, string] => [
    `${f.percent(share)} (${f.percent(alone)})`,
    "%",
  ];
  const savings = result.households.map((h) => h.money.savings).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const middle = savings.length / 2;
  const median = savings.length % 2 === 1 ? savings[Math.floor(middle)] : (savings[middle - 1] + savings[middle]) / 2n;
  const rows: [string, [string, string]][] = [
    [t.households, [`${f.fixed(result.scenario.households)} (${f.fixed(result.scenario.withPv)})`, "–"]],
    [t.consumption, wh(energy.consumptionWh)],
    [t.production, wh(energy.productionWh)],
    [t.selfConsumed, wh(energy.selfConsumedWh)],
    [t.localBought, wh(energy.localBoughtWh)],
    [t.localSold, wh(energy.localSoldWh)],
    [t.gridImport, wh(energy.gridImportWh)],
    [t.gridExport, wh(energy.gridExportWh)],
    [t.selfSufficiency, pct(kpis.selfSufficiency, kpis.selfSufficiencyAlone)],
    [t.selfConsumption, pct(kpis.selfConsumption, kpis.selfConsumptionAlone)],
    [t.localShare, [f.percent(kpis.localShareOfImport), "%"]],
    [t.paid, eur(money.paid)],
    [t.received, eur(money.received)],
    [t.gridOnly, eur(money.gridOnlyPaid - money.gridOnlyReceived)],
    [t.savings, eur(money.savings)],
    [t.savingsSpread, [`${f.euros(median)} (${f.euros(savings[0])} … ${f.euros(savings[savings.length - 1])})`, "€"]],
    [t.extraIncome, eur(money.extraIncome)],
    [t.utility, [`${f.euros(result.total.utilityRevenue)} (${f.euros(result.total.utilityRevenueGridOnly)})`, "€"]],
    [t.poolGap, [f.fixed(Number(energy.localBoughtWh - energy.localSoldWh) / 1e3, 1), "kWh"]],
  ];
  // The devices, where the scenario has them: after the consumption they are part of.
  const { withHeatPump, withEv, withBattery } = result.scenario;
  const devices: [string, [string, string]][] = [];
  if (withHeatPump > 0) devices.push([t.heatPumps(withHeatPump), wh(energy.heatPumpWh)]);
  if (withEv > 0) devices.push([t.evs(withEv), wh(energy.evWh)]);
  if (withBattery > 0) {
    devices.push([t.batteryCharged(withBattery), wh(energy.batteryChargedWh)]);
    devices.push([t.batteryDischarged, wh(energy.batteryDischargedWh)]);
  }
  rows.splice(2, 0, ...devices);
  return rows.map(([name, [value, u]]) => [name, value, u]);
}

function html(
  result: YearResult,
  scenario: Scenario,
  charts: Plot[],
  language: Language,
  t: Texts,
  f: Formats,
): string {
  const { name, year } = result.scenario;
  const place = `${f.fixed(scenario.site.latitude, 2)}° N, ${f.fixed(scenario.site.longitude, 2)}° E`;
  const title = `${t.title}: ${name} ${year}`;
  const figures = keyFigures(result, t, f);
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nachbarstrom – ${escapeXml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; color: #1a1a1a; max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.25rem 0.75rem; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 0 0 2rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-weight: 600; }
</style>
</head>
<body>
<main>
<h1>Nachbarstrom – ${escapeXml(title)}</h1>
<p>${escapeXml(t.intro(result.scenario.households, result.scenario.withPv, result.intervals, year, place))}</p>
<h2 id="key-figures">${escapeXml(t.keyFigures)}</h2>
${table(t.keyFigures, [t.figure, t.value, t.unit], figures, true)}
<h2>${escapeXml(t.plots)}</h2>
${charts.map((chart) => figure(chart, t)).join("\n")}
<h2>${escapeXml(t.definitions)}</h2>
<ul>
${t.definitionList.map((item) => `<li>${escapeXml(item)}</li>`).join("\n")}
</ul>
${householdTable(result, t, f)}
</main>
</body>
</html>
`;
}

function figure(chart: Plot, t: Texts): string {
  return `<figure aria-labelledby="${chart.id}-caption">
${chart.svg.trim()}
<figcaption id="${chart.id}-caption">${escapeXml(chart.title)}</figcaption>
<details><summary>${escapeXml(t.dataTable)}</summary>
${table(chart.title, chart.table.head, chart.table.rows, false)}
</details>
</figure>`;
}

function householdTable(result: YearResult, t: Texts, f: Formats): string {
  if (result.households.length > HOUSEHOLD_ROWS) return "";
  const rows = result.households.map((h) => [
    h.label,
    `${f.fixed(h.annualKwh)} kWh`,
    h.pvKwp > 0 ? `${f.fixed(h.pvKwp, 1)} kWp` : "–",
    `${f.fixed(Number(h.energy.localBoughtWh) / 1e3, 1)} kWh`,
    `${f.fixed(Number(h.energy.localSoldWh) / 1e3, 1)} kWh`,
    `${f.euros(h.money.paid - h.money.received)} €`,
    `${f.euros(h.money.savings)} €`,
  ]);
  const head = [t.label, t.annualKwh, t.pvKwp, t.localBought, t.localSold, t.net, t.householdSavings];
  return `<h2>${escapeXml(t.householdTable)}</h2>\n${table(t.householdTable, head, rows, true)}`;
}

function table(caption: string, head: string[], rows: string[][], rowHeaders: boolean): string {
  const cell = (value: string, i: number) =>
    i === 0 && rowHeaders
      ? `<th scope="row">${escapeXml(value)}</th>`
      : `<td${/^[−\d-]/.test(value) ? ' class="number"' : ""}>${escapeXml(value)}</td>`;
  return [
    `<table>\n<caption>${escapeXml(caption)}</caption>`,
    `<thead><tr>${head.map((h) => `<th scope="col">${escapeXml(h)}</th>`).join("")}</tr></thead>`,
    "<tbody>",
    ...rows.map((row) => `<tr>${row.map(cell).join("")}</tr>`),
    "</tbody>\n</table>",
  ].join("\n");
}
