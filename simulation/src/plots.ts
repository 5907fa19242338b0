/**
 * The report's three charts as SVG, each with its data as a table (the text alternative the HTML
 * shows beside it): the monthly energy balance, a typical summer and winter day, and the spread of
 * the households' savings.
 */
import type { Formats, Texts } from "./report-text.ts";
import type { DayProfile, Flows } from "./series.ts";
import { chart, COLOURS, legend, niceTicks, polyline, stackedBar, svgDocument, xLabels, yAxis } from "./svg.ts";
import type { YearResult } from "./year.ts";

export type Plot = {
  id: string;
  file: string;
  title: string;
  description: string;
  svg: string;
  table: { head: string[]; rows: string[][] };
};

const [WIDTH, HEIGHT] = [760, 400];

export function plots(result: YearResult, t: Texts, f: Formats): Plot[] {
  const days = [result.series.summerDay, result.series.winterDay];
  const dayMax = Math.max(...days.flatMap((d) => d.quarterHours.map((q) => Math.max(q.consumption, q.production))));
  return [
    monthly(result.series.monthly, t, f),
    day("day-summer", result.series.summerDay, t.summer, t.july, dayMax, t, f),
    day("day-winter", result.series.winterDay, t.winter, t.january, dayMax, t, f),
    savings(result, t, f),
  ];
}

function monthly(months: Flows[], t: Texts, f: Formats): Plot {
  const largest = Math.max(...months.map((m) => Math.max(m.consumption, m.production)));
  const [unit, scale] = largest > 10_000 ? ["MWh", 1 / 1000] : ["kWh", 1];
  const ticks = niceTicks(largest * scale);
  const c = chart(WIDTH, HEIGHT, ticks[ticks.length - 1]);
  const group = (c.right - c.left) / 12;
  const bar = group * 0.36;
  const parts = [yAxis(c, ticks, f.tick, `${t.consumption} / ${t.production} (${unit})`)];
  months.forEach((m, i) => {
    const x = c.left + i * group + group * 0.1;
    parts.push(
      stackedBar(c, x, bar, [
        { value: m.selfConsumed * scale, colour: COLOURS.selfConsumed },
        { value: m.localBought * scale, colour: COLOURS.local },
        { value: m.gridImport * scale, colour: COLOURS.gridImport },
      ]),
      stackedBar(c, x + bar + group * 0.08, bar, [
        { value: m.selfConsumed * scale, colour: COLOURS.selfConsumed },
        { value: m.localSold * scale, colour: COLOURS.local },
        { value: m.gridExport * scale, colour: COLOURS.gridExport },
      ]),
    );
  });
  const labels = months.map((_, i) => ({ x: c.left + (i + 0.5) * group, text: f.monthName(i) }));
  parts.push(
    xLabels(c, labels, `${t.month} (${t.bars})`),
    legend(c, [
      { name: t.selfConsumed, colour: COLOURS.selfConsumed },
      { name: `${t.localBought} / ${t.localSold}`, colour: COLOURS.local },
      { name: t.gridImport, colour: COLOURS.gridImport },
      { name: t.gridExport, colour: COLOURS.gridExport },
    ]),
  );
  const description = t.monthlyDesc(`${f.fixed(largest * scale, 1)} ${unit}`);
  const head = [
    t.month,
    t.consumption,
    t.production,
    t.selfConsumed,
    t.localBought,
    t.localSold,
    t.gridImport,
    t.gridExport,
  ];
  const rows = months.map((m, i) => [
    f.monthName(i),
    ...[m.consumption, m.production, m.selfConsumed, m.localBought, m.localSold, m.gridImport, m.gridExport].map(
      (v) => `${f.fixed(v * scale, 1)} ${unit}`,
    ),
  ]);
  return plot(
    "monthly",
    t.monthlyTitle,
    description,
    svgDocument(c, "monthly", t.monthlyTitle, description, parts),
    head,
    rows,
  );
}

function day(id: string, profile: DayProfile, season: string, month: string, max: number, t: Texts, f: Formats): Plot {
  const [unit, scale] = max > 1000 ? ["MW", 1 / 1000] : ["kW", 1];
  const ticks = niceTicks(max * scale);
  const c = chart(WIDTH, HEIGHT, ticks[ticks.length - 1]);
  const x = (q: number) => c.left + ((q + 0.5) / 96) * (c.right - c.left);
  const series: { flow: keyof Flows; name: string; colour: string; dashed?: boolean }[] = [
    { flow: "consumption", name: t.consumption, colour: COLOURS.consumption },
    { flow: "production", name: t.production, colour: COLOURS.production },
    { flow: "localBought", name: t.localBought, colour: COLOURS.local },
    { flow: "gridImport", name: t.gridImport, colour: COLOURS.gridImport, dashed: true },
    { flow: "gridExport", name: t.gridExport, colour: COLOURS.gridExport, dashed: true },
  ];
  const parts = [yAxis(c, ticks, f.tick, `${t.power} (${unit})`)];
  for (const s of series) {
    parts.push(
      polyline(
        profile.quarterHours.map((q, i) => ({ x: x(i), y: c.y(q[s.flow] * scale) })),
        s.colour,
        s.dashed,
      ),
    );
  }
  const hours = [0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => ({
    x: c.left + (h / 24) * (c.right - c.left),
    text: `${h}:00`,
  }));
  parts.push(
    xLabels(c, hours, t.time),
    legend(
      c,
      series.map((s) => ({ ...s, line: true })),
    ),
  );
  const peak = (flow: keyof Flows) =>
    `${f.fixed(Math.max(...profile.quarterHours.map((q) => q[flow])) * scale, 1)} ${unit}`;
  const title = t.dayTitle(season);
  const description = t.dayDesc(month, profile.days, peak("consumption"), peak("production"));
  const rows = profile.quarterHours.map((q, i) => [
    `${String(Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`,
    ...series.map((s) => `${f.fixed(q[s.flow] * scale, 2)} ${unit}`),
  ]);
  return plot(
    id,
    title,
    description,
    svgDocument(c, id, title, description, parts),
    [t.time, ...series.map((s) => s.name)],
    rows,
  );
}

function savings(result: YearResult, t: Texts, f: Formats): Plot {
  const values = result.households.map((h) => ({ euros: Number(h.money.savings) / 1e6, pv: h.pvKwp > 0 }));
  const sorted = values.map((v) => v.euros).sort((a, b) => a - b);
  const [low, high] = [Math.min(0, sorted[0]), sorted[sorted.length - 1]];
  const step = niceTicks(Math.max(high - low, 1), 16)[1];
  const first = Math.floor(low / step) * step;
  const bins = Math.max(1, Math.ceil((high - first) / step + 1e-9));
  const counts = Array.from({ length: bins }, () => ({ pv: 0, other: 0 }));
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v.euros - first) / step))][v.pv ? "pv" : "other"]++;
  const ticks = niceTicks(Math.max(...counts.map((b) => b.pv + b.other)));
  const c = chart(WIDTH, HEIGHT, ticks[ticks.length - 1]);
  const width = (c.right - c.left) / bins;
  const parts = [yAxis(c, ticks.filter(Number.isInteger), (v) => f.fixed(v), t.count)];
  counts.forEach((b, i) =>
    parts.push(
      stackedBar(c, c.left + i * width + 1, width - 2, [
        { value: b.other, colour: COLOURS.withoutPv },
        { value: b.pv, colour: COLOURS.withPv },
      ]),
    ),
  );
  const every = Math.ceil(bins / 10);
  const edges = Array.from({ length: bins + 1 }, (_, i) => i)
    .filter((i) => i % every === 0)
    .map((i) => ({ x: c.left + i * width, text: f.fixed(first + i * step) }));
  parts.push(
    xLabels(c, edges, `${t.savingsAxis} (€)`),
    legend(c, [
      { name: t.withoutPv, colour: COLOURS.withoutPv },
      { name: t.withPv, colour: COLOURS.withPv },
    ]),
  );
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const euro = (v: number) => `${f.fixed(v, 2)} €`;
  const description = t.savingsDesc(values.length, euro(median), euro(sorted[0]), euro(high));
  const rows = counts.map((b, i) => [
    `${f.fixed(first + i * step)} … ${f.fixed(first + (i + 1) * step)} €`,
    `${b.other}`,
    `${b.pv}`,
  ]);
  const svg = svgDocument(c, "savings", t.savingsTitle, description, parts);
  return plot(
    "savings",
    t.savingsTitle,
    description,
    svg,
    [`${t.range} (${t.savingsAxis})`, t.withoutPv, t.withPv],
    rows,
  );
}

function plot(id: string, title: string, description: string, svg: string, head: string[], rows: string[][]): Plot {
  return { id, file: `${id}.svg`, title, description, svg, table: { head, rows } };
}
