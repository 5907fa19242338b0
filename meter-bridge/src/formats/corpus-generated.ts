/**
 * The generated part of the corpus of bad inputs: truncations of every good fixture, bit flips under
 * a CRC, BCC or signature, wrong checksums, and seeded random bytes and text (see corpus.test.ts).
 */
import type { DecodeInput } from "./decoder.ts";
import type { FormatName } from "./index.ts";
import { bytes, fixture, fixtureText, input, utf8 } from "./test-support.ts";

export type Case = { name: string; format: FormatName; input: DecodeInput; reason: RegExp };

export const JUNE = "2026-06-21T08:15:02Z";

/** A good fixture: where it decodes, and what a truncation of it is rejected with. */
export type Good = { format: FormatName; path: string; at: string; topic: string; truncated: RegExp; hex?: boolean };

export const GOOD: Good[] = [
  {
    format: "plain-json",
    path: "plain-json/reading.json",
    at: "2026-11-23T10:15:01Z",
    topic: "nachbarstrom/burtscheid-sued/DE1/reading",
    truncated: /^plain JSON: payload is not valid JSON/,
  },
  ...["iskra-mt175", "emh-ehz", "easymeter-q3a", "ebz-dd3-obis", "easymeter-q3b-two-meters"].map((name) => ({
    format: "tasmota" as const,
    path: `tasmota/${name}.json`,
    at: name === "easymeter-q3a" ? "2026-01-15T06:30:02Z" : JUNE,
    topic: "tele/keller-mt175/SENSOR",
    truncated: /^Tasmota SENSOR: payload (is empty|is not valid JSON)/,
  })),
  ...[
    ["iskra-am550-dsmr50", JUNE],
    ["iskra-mt382-dsmr50", "2017-01-02T18:20:05Z"],
    ["kaifa-dsmr42", "2016-11-13T19:58:00Z"],
    ["fluvius-v171", "2020-05-12T11:54:10Z"],
  ].map(([name, at]) => ({
    format: "dsmr" as const,
    path: `dsmr/${name}.txt`,
    at,
    topic: "p1/meter",
    truncated: /^DSMR telegram: (payload is empty|truncated: )/,
  })),
  ...["iskra.bin", "easymeter-q3ba1022.hex", "emh.hex"].map((name) => ({
    format: "sml" as const,
    path: `sml/${name}`,
    at: JUNE,
    topic: "sml/head",
    truncated: /^SML: (payload is empty|truncated: |hex payload has an odd number of digits)/,
    hex: name.endsWith(".hex"),
  })),
  ...["easymeter-q3db1024.txt", "easymeter-q3da1004.txt", "iskra-mt174-mode-c.bin"].map((name) => ({
    format: "d0" as const,
    path: `d0/${name}`,
    at: JUNE,
    topic: "d0/head",
    truncated: /^D0 readout: (payload is empty|truncated: )/,
  })),
  ...[
    ["uplink-wh", "meter-burtscheid-17"],
    ["uplink-kwh", "heat-pump-meter-3"],
  ].map(([name, device]) => ({
    format: "lorawan" as const,
    path: `lorawan/${name}.json`,
    at: JUNE,
    topic: `v3/nachbarstrom-meters@ttn/devices/${device}/up`,
    truncated: /^LoRaWAN uplink: payload (is empty|is not valid JSON)/,
  })),
  {
    format: "eip712",
    path: "eip712/reading.json",
    at: JUNE,
    topic: "",
    truncated: /^signed reading \(EIP-712\): payload (is empty|is not valid JSON)/,
  },
  {
    format: "ocmf",
    path: "ocmf/reading.txt",
    at: JUNE,
    topic: "",
    truncated: /^OCMF: (truncated: |the (payload|signature) section is not valid JSON)/,
  },
];

/** Cases built with the given seeded PRNG, so the corpus is the same on every run. */
export function generatedCases(random: () => number): Case[] {
  const cases: Case[] = [];
  const add = (format: FormatName, name: string, payload: Uint8Array, at: string, topic: string, reason: RegExp) =>
    cases.push({ name, format, input: input(payload, at, topic), reason });
  const pick = (n: number) => Math.floor(random() * n);

  // 1. Truncations of every good fixture at twelve lengths (trailing whitespace is not content).
  for (const good of GOOD) {
    const whole = fixture(good.path);
    let essential = whole.length;
    while (essential > 0 && [0x0a, 0x0d, 0x20].includes(whole[essential - 1])) essential--;
    const lengths = new Set(Array.from({ length: 12 }, (_, k) => Math.floor((essential * k) / 12)));
    for (const length of lengths) {
      add(
        good.format,
        `${good.path} cut to ${length} bytes`,
        whole.subarray(0, length),
        good.at,
        good.topic,
        good.truncated,
      );
    }
  }

  // 2. Bit flips and wrong checksums under a CRC, a BCC or a signature.
  const digitsIn = (text: string, from: number, to: number) =>
    [...text.slice(from, to)].flatMap((c, i) => (c >= "0" && c <= "9" ? [from + i] : []));
  const flipDigit = (payload: Uint8Array, positions: number[]) => {
    const copy = new Uint8Array(payload);
    const bits = [0, 1, 2, 3, 5, 6, 7]; // not bit 4: a digit could become "!" (0x21) or a space
    copy[positions[pick(positions.length)]] ^= 1 << bits[pick(bits.length)];
    return copy;
  };
  for (const good of GOOD.filter((g) => g.format === "dsmr")) {
    const text = fixtureText(good.path);
    const digits = digitsIn(text, text.indexOf("\r\n\r\n"), text.indexOf("\r\n!"));
    for (let i = 0; i < 8; i++) {
      add(
        "dsmr",
        `${good.path} bit flip ${i}`,
        flipDigit(bytes(text), digits),
        good.at,
        good.topic,
        /^DSMR telegram: CRC 0x[0-9A-F]{4} does not match computed 0x[0-9A-F]{4}$/,
      );
    }
    const crc = text.slice(text.indexOf("\r\n!") + 3, text.indexOf("\r\n!") + 7);
    const wrong = ((Number.parseInt(crc, 16) + 1) & 0xffff).toString(16).toUpperCase().padStart(4, "0");
    add(
      "dsmr",
      `${good.path} wrong CRC`,
      bytes(text.replace(`!${crc}`, `!${wrong}`)),
      good.at,
      good.topic,
      new RegExp(`CRC 0x${wrong} does not match computed 0x${crc}`),
    );
  }
  for (const good of GOOD.filter((g) => g.format === "sml")) {
    const raw = fixture(good.path);
    const frame = good.hex ? new Uint8Array(Buffer.from(Buffer.from(raw).toString("latin1").trim(), "hex")) : raw;
    for (let i = 0; i < 8; i++) {
      const copy = new Uint8Array(frame);
      copy[8 + pick(frame.length - 16)] ^= 1 << pick(8);
      add(
        "sml",
        `${good.path} bit flip ${i}`,
        copy,
        good.at,
        good.topic,
        /^SML: CRC 0x[0-9A-F]{4} does not match computed 0x[0-9A-F]{4}$/,
      );
    }
    const wrong = new Uint8Array(frame);
    wrong[wrong.length - 1] ^= 0xff;
    add("sml", `${good.path} wrong CRC`, wrong, good.at, good.topic, /^SML: CRC 0x[0-9A-F]{4} does not match computed/);
  }
  {
    const modeC = fixture("d0/iskra-mt174-mode-c.bin");
    const text = Buffer.from(modeC).toString("latin1");
    const digits = digitsIn(text, text.indexOf("\x02"), text.indexOf("\x03"));
    for (let i = 0; i < 8; i++) {
      add(
        "d0",
        `mode C bit flip ${i}`,
        flipDigit(modeC, digits),
        JUNE,
        "d0/head",
        /^D0 readout: BCC 0x[0-9A-F]{2} does not match computed 0x[0-9A-F]{2}$/,
      );
    }
  }
  {
    const good = JSON.parse(fixtureText("eip712/reading.json"));
    for (let i = 0; i < 10; i++) {
      const at = 2 + pick(128); // a hex digit of r or s
      const digit = good.signature[at];
      const other = "0123456789abcdef".replace(digit, "")[pick(15)];
      const signature = good.signature.slice(0, at) + other + good.signature.slice(at + 1);
      add(
        "eip712",
        `signature digit ${at} changed`,
        utf8(JSON.stringify({ ...good, signature })),
        JUNE,
        "",
        /^signed reading \(EIP-712\): signature is (by 0x[0-9a-fA-F]{40}, not by the signer registered|invalid)/,
      );
    }
    for (const [field, value] of [
      ["importWh", "1234568"],
      ["exportWh", "0"],
      ["timestamp", 1782029701],
      ["meteringPointId", "DE0001234520660000000000000000001 "],
    ]) {
      add(
        "eip712",
        `${field} changed under the signature`,
        utf8(JSON.stringify({ ...good, [field]: value })),
        JUNE,
        "",
        /^signed reading \(EIP-712\): (signature is by 0x|meteringPointId ".*" is not a metering point id)/,
      );
    }
  }
  {
    const good = fixtureText("ocmf/reading.txt");
    const sd = good.indexOf('"SD":"') + 6;
    // Digits that follow a digit or "." inside the readings: flipping bit 0 keeps them digits and the JSON valid.
    const payloadDigits = digitsIn(good, good.indexOf('"RD"'), good.lastIndexOf("|")).filter((p) =>
      /[0-9.]/.test(good[p - 1]),
    );
    for (let i = 0; i < 6; i++) {
      const flipped = bytes(good);
      flipped[payloadDigits[pick(payloadDigits.length)]] ^= 1;
      add(
        "ocmf",
        `payload digit flip ${i}`,
        flipped,
        JUNE,
        "",
        /^OCMF: signature does not verify with the meter's registered public key$/,
      );
      const at = sd + 10 + pick(60);
      const other = "0123456789ABCDEF".replace(good[at], "")[pick(15)];
      add(
        "ocmf",
        `SD digit ${at} changed`,
        bytes(good.slice(0, at) + other + good.slice(at + 1)),
        JUNE,
        "",
        /^OCMF: signature (does not verify|data "SD" is not a DER-encoded)/,
      );
    }
  }

  // 3. Seeded random bytes and random printable text, for every format.
  const RANDOM_REASON: Record<FormatName, [string, RegExp]> = {
    "plain-json": ["nachbarstrom/burtscheid-sued/DE1/reading", /^plain JSON: payload is not valid JSON/],
    tasmota: ["tele/keller-mt175/SENSOR", /^Tasmota SENSOR: payload is not (UTF-8 text|valid JSON)/],
    dsmr: ["p1/meter", /^DSMR telegram: (does not start with "\/"|truncated: )/],
    sml: ["sml/head", /^SML: (does not start with the escape sequence|truncated: |hex payload has an odd number)/],
    d0: ["d0/head", /^D0 readout: (does not start with "\/"|truncated: )/],
    lorawan: ["v3/app@ttn/devices/dev-1/up", /^LoRaWAN uplink: payload is not (UTF-8 text|valid JSON)/],
    eip712: ["", /^signed reading \(EIP-712\): payload is not (UTF-8 text|valid JSON)/],
    ocmf: ["", /^OCMF: (does not start with "OCMF\|"|truncated: )/],
  };
  for (const [format, [topic, reason]] of Object.entries(RANDOM_REASON) as [FormatName, [string, RegExp]][]) {
    for (let i = 0; i < 10; i++) {
      const payload = Uint8Array.from({ length: 8 + pick(300) }, () => pick(256));
      add(format, `random bytes ${i}`, payload, JUNE, topic, reason);
    }
    for (let i = 0; i < 4; i++) {
      const payload = Uint8Array.from({ length: 8 + pick(200) }, () => 0x20 + pick(95));
      add(format, `random text ${i}`, payload, JUNE, topic, reason);
    }
  }

  // Structure-aware noise: the right start, then random bytes.
  for (let i = 0; i < 8; i++) {
    const noise = Array.from({ length: 16 + pick(200) }, () => pick(256));
    add(
      "sml",
      `start sequence then noise ${i}`,
      new Uint8Array([0x1b, 0x1b, 0x1b, 0x1b, 1, 1, 1, 1, ...noise]),
      JUNE,
      "sml/head",
      /^SML: (truncated: |unknown escape sequence|CRC 0x[0-9A-F]{4} does not match|a new start sequence)/,
    );
    const text = Array.from({ length: 20 + pick(200) }, () => String.fromCharCode(0x20 + pick(95))).join("");
    add(
      "dsmr",
      `header then noise ${i}`,
      bytes(`/ISK5\\2M550T-1012\r\n\r\n${text}`),
      JUNE,
      "p1/meter",
      /^DSMR telegram: (truncated: |no CRC after "!")/,
    );
    add(
      "d0",
      `identification then noise ${i}`,
      bytes(`/ESY5Q3DB1024 V3.04\r\n\r\n${text.replace(/!/g, "")}`),
      JUNE,
      "d0/head",
      /^D0 readout: truncated: no end "!"/,
    );
  }

  return cases;
}
