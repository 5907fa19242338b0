import { DEMO_NEIGHBOURHOOD, INTERVAL_SECONDS } from "@nachbarstrom/core";

export type TestReading = { topic: string; payload: string };

/** Energy a demo household draws and feeds in during the test interval (Wh): PV households export. */
export function testEnergy(index: number): { importWh: bigint; exportWh: bigint } {
  const household = DEMO_NEIGHBOURHOOD.households[index];
  return household.pvKwp > 0
    ? { importWh: BigInt(10 + index), exportWh: BigInt(Math.round(household.pvKwp * 150)) }
    : { importWh: BigInt(120 + index * 37), exportWh: 0n };
}

/**
 * Three readings per meter for `interval`: the baseline at its start, the registers at its last
 * second, and the same registers at its end, which close it (a reading at a bound is the end register
 * of the interval before it, meter-bridge/README.md "Intervals").
 */
export function readingsFor(interval: bigint): TestReading[] {
  const start = Number(interval) * INTERVAL_SECONDS;
  const readings: TestReading[] = [];
  const at = (seconds: number) => new Date(seconds * 1000).toISOString();
  DEMO_NEIGHBOURHOOD.households.forEach((household, index) => {
    const topic = `nachbarstrom/${DEMO_NEIGHBOURHOOD.slug}/${household.meteringPointId}/reading`;
    const baseImport = 1_000_000 + index * 12_345;
    const baseExport = household.pvKwp > 0 ? 500_000 + index * 999 : 0;
    const { importWh, exportWh } = testEnergy(index);
    const end = { importWh: baseImport + Number(importWh), exportWh: baseExport + Number(exportWh) };
    readings.push(
      { topic, payload: JSON.stringify({ importWh: baseImport, exportWh: baseExport, timestamp: at(start) }) },
      { topic, payload: JSON.stringify({ ...end, timestamp: at(start + INTERVAL_SECONDS - 1) }) },
      { topic, payload: JSON.stringify({ ...end, timestamp: at(start + INTERVAL_SECONDS) }) },
    );
  });
  return readings;
}
