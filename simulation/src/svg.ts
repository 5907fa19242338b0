/**
 * Just enough SVG for the report's charts, written by hand: a frame with a y axis, bars, lines and a
 * legend. Every chart is an accessible image: role="img" with a <title> and a <desc>.
 */

export type Chart = {
  width: number;
  height: number;
  /** Plot area inside the frame. */
  left: number;
  top: number;
  right: number;
  bottom: number;
  yMax: number;
  /** y in data units → SVG y. */
  y(value: number): number;
};

/** The colours, from Okabe & Ito's palette for colour-blind readers. */
export const COLOURS = {
  selfConsumed: "#E69F00",
  local: "#009E73",
  gridImport: "#0072B2",
  gridExport: "#CC79A7",
  consumption: "#222222",
  production: "#D55E00",
  withPv: "#E69F00",
  withoutPv: "#56B4E9",
} as const;

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick steps (1, 2, 2.5, 5 × 10^n) from 0 to at least `max`, about `count` of them. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let i = 0; i * step < max + step * 0.999; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

/** A frame with room below the plot area for the x labels, the axis title and two rows of legend. */
export function chart(
  width: number,
  height: number,
  yMax: number,
  margin = { left: 64, top: 16, right: 24, bottom: 96 },
): Chart {
  const [top, bottom] = [margin.top, height - margin.bottom];
  return {
    width,
    height,
    left: margin.left,
    top,
    right: width - margin.right,
    bottom,
    yMax,
    y: (value) => bottom - (value / yMax) * (bottom - top),
  };
}

/** The <svg> element around the parts, with its accessible name and description. */
export function svgDocument(c: Chart, id: string, title: string, description: string, parts: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${c.width} ${c.height}" width="${c.width}" height="${c.height}"`,
    ` role="img" aria-labelledby="${id}-title ${id}-desc" font-family="system-ui, sans-serif" font-size="12">`,
    `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(description)}</desc>`,
    `<rect width="${c.width}" height="${c.height}" fill="#ffffff"/>`,
    ...parts,
    "</svg>\n",
  ].join("");
}

/** Horizontal grid lines with their labels, and the axis title turned upright at the left. */
export function yAxis(c: Chart, ticks: number[], format: (value: number) => string, title: string): string {
  const lines = ticks.map((tick) => {
    const y = c.y(tick).toFixed(1);
    return (
      `<line x1="${c.left}" x2="${c.right}" y1="${y}" y2="${y}" stroke="#d0d0d0"/>` +
      `<text x="${c.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#333">${escapeXml(format(tick))}</text>`
    );
  });
  const middle = ((c.top + c.bottom) / 2).toFixed(1);
  const label = `<text transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle" fill="#333">${escapeXml(title)}</text>`;
  return lines.join("") + label + `<line x1="${c.left}" x2="${c.left}" y1="${c.top}" y2="${c.bottom}" stroke="#333"/>`;
}

/** Labels under the plot area at the given x positions, and the axis title below them. */
export function xLabels(c: Chart, labels: { x: number; text: string }[], title: string): string {
  const texts = labels.map(
    ({ x, text }) =>
      `<text x="${x.toFixed(1)}" y="${c.bottom + 16}" text-anchor="middle" fill="#333">${escapeXml(text)}</text>`,
  );
  const axis = `<line x1="${c.left}" x2="${c.right}" y1="${c.bottom}" y2="${c.bottom}" stroke="#333"/>`;
  const name = `<text x="${(c.left + c.right) / 2}" y="${c.bottom + 34}" text-anchor="middle" fill="#333">${escapeXml(title)}</text>`;
  return axis + texts.join("") + name;
}

/** A bar stacked from the bottom of the plot area, one segment per value. */
export function stackedBar(c: Chart, x: number, width: number, segments: { value: number; colour: string }[]): string {
  let base = 0;
  return segments
    .map(({ value, colour }) => {
      const [y0, y1] = [c.y(base), c.y(base + Math.max(0, value))];
      base += Math.max(0, value);
      return `<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${width.toFixed(1)}" height="${(y0 - y1).toFixed(1)}" fill="${colour}"/>`;
    })
    .join("");
}

export function polyline(points: { x: number; y: number }[], colour: string, dashed = false): string {
  const path = points.map(({ x, y }) => `${x.toFixed(1)},${y.toFixed(1)}`).join(" ");
  const dash = dashed ? ' stroke-dasharray="6 4"' : "";
  return `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"${dash}/>`;
}

/** A legend under the x axis, wrapping into further rows: a swatch (or a line) and its name per entry. */
export function legend(
  c: Chart,
  entries: { name: string; colour: string; line?: boolean; dashed?: boolean }[],
): string {
  let [x, y] = [c.left, c.bottom + 58];
  return entries
    .map(({ name, colour, line, dashed }) => {
      const width = 34 + name.length * 6.6;
      if (x > c.left && x + width > c.right) [x, y] = [c.left, y + 18];
      const swatch = line
        ? `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${colour}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ""}/>`
        : `<rect x="${x}" y="${y - 10}" width="18" height="12" fill="${colour}"/>`;
      const text = `<text x="${(x + 24).toFixed(1)}" y="${y}" fill="#333">${escapeXml(name)}</text>`;
      x += width;
      return swatch + text;
    })
    .join("");
}
