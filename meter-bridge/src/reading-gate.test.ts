import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseReading, readingSchema } from "@nachbarstrom/core";
import { indexDirectory } from "./directory.ts";
import { createReadingGate, isReading, rejectReading, rejectedTopic } from "./reading-gate.ts";
import { fixture, fixtureText, SETTINGS } from "./formats/test-support.ts";
import { DIRECTORY, HOOD, MP, T0, reading } from "./test-fixtures.ts";

const TOPIC = `nachbarstrom/${HOOD}/${MP.a}/reading`;
const at = (seconds: number) => new Date((T0 + seconds) * 1000).toISOString();
const gate = (maxPowerW?: bigint) => createReadingGate({ directory: indexDirectory(DIRECTORY), maxPowerW });

describe("reading gate", () => {
  test("accepts the payload as text, bytes or an already parsed object", () => {
    const g = gate();
    const payload = { importWh: 10, exportWh: 0, timestamp: at(0) };
    assert.equal(g.pass(TOPIC, JSON.stringify(payload)).kind, "valid");
    assert.equal(g.pass(TOPIC, Buffer.from(JSON.stringify({ ...payload, timestamp: at(1) }))).kind, "valid");
    assert.equal(g.pass(TOPIC, { ...payload, timestamp: at(2) }).kind, "valid");
  });

  test("rejects a reading that implies more power than a metering point can carry", () => {
    const g = gate(50_000n);
    g.pass(TOPIC, JSON.stringify({ importWh: 1000, exportWh: 0, timestamp: at(0) }));
    // 1000 Wh in 60 s is 60 kW.
    const result = g.pass(TOPIC, JSON.stringify({ importWh: 2000, exportWh: 0, timestamp: at(60) }));
    assert.equal(result.kind, "rejected");
    assert.match(
      result.kind === "rejected" ? result.rejection.reason : "",
      /^importWh implausible: rose by 1000 Wh in 60 s \(60000 W/,
    );
    assert.equal(result.kind === "rejected" && result.rejection.code, "sequence", "with a code for machines");
    assert.equal(g.pass(TOPIC, JSON.stringify({ importWh: 1800, exportWh: 0, timestamp: at(120) })).kind, "valid");
  });

  test("leaves older readings arriving out of order to the aggregator", () => {
    const g = gate();
    g.pass(TOPIC, JSON.stringify({ importWh: 1000, exportWh: 0, timestamp: at(600) }));
    assert.equal(g.pass(TOPIC, JSON.stringify({ importWh: 900, exportWh: 0, timestamp: at(300) })).kind, "valid");
  });

  test("names the rejection topic after the neighbourhood, or unknown", () => {
    assert.equal(rejectedTopic(TOPIC), `nachbarstrom/${HOOD}/rejected`);
    assert.equal(rejectedTopic("nachbarstrom/Not A Slug/x/reading"), "nachbarstrom/unknown/rejected");
    assert.equal(rejectedTopic("garbage"), "nachbarstrom/unknown/rejected");
  });

  test("a later rejection carries the reading in the wire format", () => {
    const { topic, rejection } = rejectReading(reading(MP.a, T0 + 5, 42, 7), "late: it belongs to a closed interval");
    assert.equal(topic, `nachbarstrom/${HOOD}/rejected`);
    assert.equal(rejection.code, "late");
    assert.equal(rejection.topic, TOPIC);
    assert.equal(parseReading(rejection.topic, rejection.payload).ok, true);
    assert.ok(isReading(reading(MP.a, T0, 1)));
    assert.ok(!isReading({ ...reading(MP.a, T0, 1), importWh: 1 }));
  });
});

describe("reading gate with a format", () => {
  const directory = indexDirectory({
    neighbourhoods: [
      {
        ...DIRECTORY.neighbourhoods[0],
        meters: [
          ...DIRECTORY.neighbourhoods[0].meters,
          { ...DIRECTORY.neighbourhoods[0].meters[0], meteringPointId: "BE-AM550" },
        ],
      },
    ],
  });
  const telegram = fixtureText("dsmr/iskra-am550-dsmr50.txt");
  const dsmrGate = () => createReadingGate({ directory, format: "dsmr", settings: SETTINGS });
  const receivedAt = new Date("2026-06-21T08:15:02Z");

  test("plain JSON through passMessage is pass, as before", async () => {
    const [result] = await gate().passMessage(TOPIC, JSON.stringify({ importWh: 10, exportWh: 0, timestamp: at(0) }));
    assert.equal(result.kind, "valid");
  });

  test("a DSMR telegram becomes a reading in the directory's neighbourhood; a repeat is a duplicate", async () => {
    const g = dsmrGate();
    const [first] = await g.passMessage("p1/am550", Buffer.from(telegram, "latin1"), receivedAt);
    assert.equal(first.kind, "valid");
    assert.equal(first.kind === "valid" ? first.reading.neighbourhood : "", HOOD);
    const [again] = await g.passMessage("p1/am550", telegram, receivedAt);
    assert.equal(again.kind, "duplicate");
  });

  test("a rejected telegram goes to nachbarstrom/unknown/rejected with the decoder's reason", async () => {
    const [result] = await dsmrGate().passMessage("p1/am550", telegram.replace(/!([0-9A-F]{4})/, "!0000"), receivedAt);
    assert.equal(result.kind, "rejected");
    if (result.kind !== "rejected") return;
    assert.equal(result.topic, "nachbarstrom/unknown/rejected");
    assert.match(result.rejection.reason, /^DSMR telegram: CRC 0x0000 does not match computed 0x[0-9A-F]{4}$/);
    assert.equal(result.rejection.topic, "p1/am550");
  });

  test("binary payloads that are not UTF-8 are kept as hex in the rejection", async () => {
    const g = createReadingGate({ directory, format: "sml", settings: {} });
    const [result] = await g.passMessage("sml/x", fixture("sml/iskra.bin"), receivedAt);
    assert.equal(result.kind, "rejected");
    assert.match(result.kind === "rejected" ? result.rejection.payload : "", /^1b1b1b1b01010101/);
  });
});

describe("schema/reading.schema.json", () => {
  const schema = JSON.parse(readFileSync(new URL("../schema/reading.schema.json", import.meta.url), "utf8"));

  test("describes the fields the bridge accepts, and no others", () => {
    assert.deepEqual(Object.keys(schema.properties).sort(), Object.keys(readingSchema.shape).sort());
    assert.deepEqual([...schema.required].sort(), Object.keys(readingSchema.shape).sort());
    assert.equal(schema.additionalProperties, false);
  });

  test("its examples are readings the bridge accepts", () => {
    for (const example of schema.examples) {
      const parsed = parseReading(TOPIC, JSON.stringify(example));
      assert.equal(parsed.ok, true, JSON.stringify(example));
    }
  });
});
