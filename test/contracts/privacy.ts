/**
 * No personal data on the chain. A billing month of the demo neighbourhood (12 households with made-up
 * names, e-mail and postal addresses) runs through the contracts as deployed by the Ignition module:
 * onboarding, tariffs, power contracts, top-ups and a pay-out, every 15-minute interval of the month
 * settled, preferences and share weights, a correction, a pause, a meter replaced and one retired, the
 * bridge key rotated through the timelock, and the cost cap's month close. Then everything the chain
 * holds is scanned: every transaction's calldata, every log's topics and data, and every storage slot
 * any transaction wrote (`debug_traceTransaction` with the prestate tracer in diff mode, applied in
 * order, so each write is seen with its neighbours; slot keys are checked against mapping keys too).
 * No metering point id, name, e-mail or address may appear (as UTF-8 or hashed), nor a meter's salt;
 * the meters are known only by their salted ids. The last case puts a metering point id on the chain
 * as a careless operator would, and requires the same scan to find it.
 *
 * PRIVACY_DAYS=n settles only the first n days of the month (default: all of them).
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { bytesToHex, concat, encodeFunctionData, keccak256, numberToHex, parseEventLogs, sha256, toHex } from "viem";
import type { Account, Hex } from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEMO_RULES,
  DEMO_TARIFF,
  billingMonthOf,
  commitReadings,
  decodeChunkResults,
  euros,
  firstIntervalOf,
  meterId,
  neighbourhoodId,
  nextBillingMonth,
  planBatch,
  readSettlementInputs,
  type Deployment,
} from "@nachbarstrom/core";
import NachbarstromModule from "../../contracts/ignition/modules/Nachbarstrom.ts";
import { random } from "./random.ts";

const role = (name: string) => keccak256(toHex(`nachbarstrom.role.${name}`));
const DAY = 96n;

/** Made-up personal data the utility holds off chain; streets of Aachen-Burtscheid. */
const PEOPLE = [
  ["Anna Schröder", "Kurbrunnenstraße 12"],
  ["Mehmet Yılmaz", "Dammstraße 3"],
  ["Jürgen Weiß", "Malmedyer Straße 41"],
  ["Sophie Laurent", "Michaelsbergstraße 7"],
  ["Katarzyna Nowak", "Burtscheider Markt 2"],
  ["Thomas Becker", "Viktoriaallee 18"],
  ["Elif Demir", "Zollernstraße 25"],
  ["Hans-Peter Müller", "Kapellenstraße 9"],
  ["Lena Hoffmann", "Gregorstraße 14"],
  ["Giuseppe Rossi", "Hauptstraße 66"],
  ["Marie Dubois", "Altdorfstraße 5"],
  ["Oleksandr Kovalenko", "Eckenerstraße 30"],
] as const;

const HOUSEHOLDS = DEMO_NEIGHBOURHOOD.households.map((h, i) => {
  const [name, street] = PEOPLE[i];
  const email = `${name.split(" ")[0].toLowerCase()}.${i + 1}@example.org`;
  // A real utility draws a random salt per meter and keeps it off chain (packages/core ids.ts).
  const salt = bytesToHex(randomBytes(32));
  return { ...h, name, email, address: `${street}, 52066 Aachen`, salt, meter: meterId(salt, h.meteringPointId) };
});

type Needle = { what: string; hex: string };
type Finding = { what: string; where: string };

/** The byte patterns that must not be on the chain, lower-case hex without 0x. */
function needlesOf(h: (typeof HOUSEHOLDS)[number], salts: readonly Hex[]): Needle[] {
  const texts = { "metering point id": h.meteringPointId, name: h.name, "e-mail": h.email, address: h.address };
  const needles: Needle[] = [];
  for (const [kind, text] of Object.entries(texts)) {
    for (const variant of new Set([text, text.toLowerCase(), text.toUpperCase()])) {
      const what = `${h.label}'s ${kind} ${JSON.stringify(variant)}`;
      needles.push({ what: `${what} as UTF-8`, hex: toHex(variant).slice(2) });
      needles.push({ what: `keccak256(${what})`, hex: keccak256(toHex(variant)).slice(2) });
      needles.push({ what: `sha256(${what})`, hex: sha256(toHex(variant)).slice(2) });
    }
  }
  for (const [k, salt] of salts.entries()) needles.push({ what: `${h.label}'s salt ${k + 1}`, hex: salt.slice(2) });
  return needles;
}

/** The needles by their first 8 bytes, so a blob is scanned in one pass. */
type NeedleIndex = Map<string, Needle[]>;
const PREFIX = 16;

function indexNeedles(needles: readonly Needle[]): NeedleIndex {
  const index: NeedleIndex = new Map();
  for (const needle of needles) {
    const prefix = needle.hex.slice(0, PREFIX);
    index.set(prefix, [...(index.get(prefix) ?? []), needle]);
  }
  return index;
}

/** Finds the needles in `blob`, at byte boundaries only. */
function scan(blob: Hex | string, where: string, needles: NeedleIndex, into: Finding[]): void {
  const hay = blob.toLowerCase().replace(/^0x/, "");
  const seen = new Set<Needle>();
  for (let at = 0; at + PREFIX <= hay.length; at += 2) {
    for (const needle of needles.get(hay.slice(at, at + PREFIX)) ?? []) {
      if (!seen.has(needle) && hay.startsWith(needle.hex, at)) {
        seen.add(needle);
        into.push({ what: needle.what, where });
      }
    }
  }
}

describe("no personal data on the chain", async () => {
  const { viem, ignition, networkHelpers } = await network.create();
  const [, bridge, treasury, operator, multisig, treasurer, newBridge, ...accounts] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const request = publicClient.request as (args: { method: string; params: unknown[] }) => Promise<unknown>;
  const started = performance.now();
  const deployed = await ignition.deploy(NachbarstromModule, {
    parameters: {
      Nachbarstrom: {
        admin: multisig.account.address,
        operator: operator.account.address,
        treasurer: treasurer.account.address,
        bridge: bridge.account.address,
        treasury: treasury.account.address,
      },
    },
  });
  const { meterRegistry, creditToken, tariffSchedule, powerContracts, costCap, timelock } = deployed;
  const { neighbourhoodSettlement: settlement, settlementCorrections: corrections } = deployed;
  const deployment: Deployment = {
    chainId: await publicClient.getChainId(),
    rpcUrl: "http://127.0.0.1:8545",
    deployedAtBlock: 0,
    contracts: {
      meterRegistry: meterRegistry.address,
      creditToken: creditToken.address,
      tariffSchedule: tariffSchedule.address,
      powerContracts: powerContracts.address,
      neighbourhoodSettlement: settlement.address,
      settlementCorrections: corrections.address,
      costCap: costCap.address,
    },
  };
  const as = (w: { account: Account }) => ({ account: w.account });
  const ownerOf = (i: number) => accounts[i];

  // Onboarding, as scripts/stack/onboard-demo.ts does it, with the cost cap on and a random salt per meter.
  const hood = neighbourhoodId(DEMO_NEIGHBOURHOOD.slug);
  await meterRegistry.write.registerNeighbourhood([hood, { exists: true, ...DEMO_RULES, costCap: true }], as(operator));
  await tariffSchedule.write.setInitialTariff([hood, DEMO_TARIFF, 0n], as(operator));
  for (const [i, h] of HOUSEHOLDS.entries()) {
    await meterRegistry.write.registerMeter([h.meter, hood, ownerOf(i).account.address], as(operator));
    await creditToken.write.topUp([ownerOf(i).account.address, euros("50")], as(treasurer));
  }
  await creditToken.write.topUp([treasury.account.address, euros("1000")], as(treasurer));

  const month = nextBillingMonth(billingMonthOf(BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900))));
  const first = firstIntervalOf(month);
  const monthEnd = firstIntervalOf(nextBillingMonth(month));
  const days = Math.min(Number(process.env.PRIVACY_DAYS ?? 99), Math.ceil(Number(monthEnd - first) / 96));
  const lastInterval = days * 96 >= Number(monthEnd - first) ? monthEnd : first + BigInt(days) * DAY;

  // Power contracts from the month's start: two accepted, one offer withdrawn.
  const offer = async (seller: number, buyer: number, price: number, cap: number, accept: boolean) => {
    const hash = await powerContracts.write.offer(
      [HOUSEHOLDS[seller].meter, HOUSEHOLDS[buyer].meter, price, cap, first, monthEnd],
      as(ownerOf(seller)),
    );
    const [event] = parseEventLogs({
      abi: powerContracts.abi,
      logs: (await publicClient.waitForTransactionReceipt({ hash })).logs,
      eventName: "PowerContractOffered",
    });
    if (accept) await powerContracts.write.accept([event.args.id], as(ownerOf(buyer)));
    return event.args.id;
  };
  await offer(0, 1, 220_000, 500, true);
  const ended = await offer(5, 6, 180_000, 300, true);
  await powerContracts.write.end([await offer(2, 3, 200_000, 200, false)], as(ownerOf(2)));

  // The utility's store: which meter each household has (a replacement gets a new salted id).
  const active = new Map(HOUSEHOLDS.map((h, i) => [i, h.meter]));
  const extraSalts = new Map<number, Hex>();
  const registers = new Map<number, { imp: bigint; exp: bigint }>();
  const lastResults = new Map<bigint, { chunk: number; results: Hex }[]>();
  let settler = bridge;
  let settledCount = 0;

  async function settle(interval: bigint): Promise<void> {
    const rng = random(Number(interval % 1_000_000n));
    const slot = Number(interval % DAY);
    const sun = slot > 28 && slot < 76 ? Math.sin(((slot - 28) / 48) * Math.PI) : 0;
    const energy = [...active].map(([i, meter]) => {
      const pv = DEMO_NEIGHBOURHOOD.households[i].pvKwp;
      const exportWh = BigInt(Math.floor(pv * 250 * sun * (0.5 + rng.next() / 2)));
      const importWh = BigInt(exportWh > 0n && rng.chance(0.7) ? 0 : 20 + rng.int(250));
      const r = registers.get(i) ?? { imp: 1_000_000n, exp: 100_000n };
      registers.set(i, { imp: r.imp + importWh, exp: r.exp + exportWh });
      return { i, meter, importWh, exportWh };
    });
    // The bridge commits to the raw readings, metering point ids included; only the hash goes on chain.
    const readings = energy.map((e) => ({
      neighbourhood: DEMO_NEIGHBOURHOOD.slug,
      meteringPointId: HOUSEHOLDS[e.i].meteringPointId,
      importWh: registers.get(e.i)!.imp,
      exportWh: registers.get(e.i)!.exp,
      unixSeconds: Number(interval + 1n) * 900,
    }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment,
      neighbourhoodId: hood,
      interval,
      meters: energy,
    });
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: hood,
      interval,
      commitment: commitReadings(readings),
    });
    const emitted = [];
    for (const [index, chunk] of chunks.entries()) {
      // An explicit gas limit spares EDR a gas estimate per chunk (a search over many executions).
      const hash = await settlement.write.settleChunk([hood, interval, header, index, chunk], {
        ...as(settler),
        gas: 15_000_000n,
      });
      const logs = (await publicClient.getTransactionReceipt({ hash })).logs;
      const [event] = parseEventLogs({ abi: settlement.abi, logs, eventName: "ChunkSettled" });
      emitted.push({ chunk: index, results: event.args.results });
    }
    lastResults.set(interval, emitted);
    settledCount++;
  }

  // The month, a day at a time: the chain's clock at the day's end, then its intervals, then the day's chores.
  const timelockCall = (functionName: "grantRole" | "revokeRole", account: Hex) =>
    encodeFunctionData({ abi: settlement.abi, functionName, args: [role("bridge"), account] });
  const rotation = [
    timelockCall("grantRole", newBridge.account.address),
    timelockCall("revokeRole", bridge.account.address),
  ];
  const rotationSalt = keccak256(toHex("rotate the bridge key"));
  const targets = [settlement.address, settlement.address];
  for (let day = 0; day < days; day++) {
    const from = first + BigInt(day) * DAY;
    const until = from + DAY < lastInterval ? from + DAY : lastInterval;
    await networkHelpers.time.increaseTo(Number(until) * 900);
    for (let interval = from; interval < until; interval++) await settle(interval);
    const owner = (i: number) => ownerOf(i).account.address;
    if (day === 1) {
      await creditToken.write.topUp([owner(3), euros("25")], as(treasurer));
      await creditToken.write.topUp([owner(9), euros("30")], as(treasurer));
    } else if (day === 2) {
      const balance = await creditToken.read.balanceOf([owner(0)]);
      if (balance > 0n)
        await creditToken.write.payOut([owner(0), balance < euros("5") ? balance : euros("5")], as(treasurer));
    } else if (day === 3) {
      await meterRegistry.write.setPreferences([active.get(4)!, 300_000, 0], as(ownerOf(4)));
      await meterRegistry.write.setShareWeight([active.get(4)!, 2], as(operator));
    } else if (day === 4) {
      // A meter reported nonsense yesterday afternoon: the operator corrects one interval with a reason.
      const interval = from - DAY + 60n;
      const [{ chunk, results }] = lastResults.get(interval)!;
      const position = 2;
      const m = decodeChunkResults(results)[position];
      const reason = "replacement value from the meter operator, ticket MSB-2026-0815";
      await corrections.write.correctMeter(
        [hood, interval, chunk, results, BigInt(position), Number(m.importWh) + 480, Number(m.exportWh), reason],
        as(operator),
      );
    } else if (day === 5) {
      // The bridge key is rotated: grant the new key, revoke the old one, through the timelock's delay.
      await timelock.write.scheduleBatch(
        [targets, [0n, 0n], rotation, `0x${"00".repeat(32)}`, rotationSalt, 2n * 86_400n],
        as(multisig),
      );
    } else if (day === 8) {
      await timelock.write.executeBatch(
        [targets, [0n, 0n], rotation, `0x${"00".repeat(32)}`, rotationSalt],
        as(multisig),
      );
      settler = newBridge;
    } else if (day === 9) {
      const at = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900)) + 2n * DAY;
      await tariffSchedule.write.announceTariff([hood, { ...DEMO_TARIFF, communityPrice: 120_000n }, at], as(operator));
    } else if (day === 10) {
      await creditToken.write.pause(as(operator));
      await creditToken.write.unpause(as(operator));
      await powerContracts.write.end([ended], as(ownerOf(6)));
    } else if (day === 12) {
      // Household 12 gets a new meter device: same metering point, new salt, new salted id.
      const salt = bytesToHex(randomBytes(32));
      extraSalts.set(11, salt);
      const replacement = meterId(salt, HOUSEHOLDS[11].meteringPointId);
      await meterRegistry.write.replaceMeter([active.get(11)!, replacement], as(operator));
      active.set(11, replacement);
    } else if (day === 14) {
      // Household 10 moves out.
      await meterRegistry.write.retireMeter([active.get(9)!], as(operator));
      active.delete(9);
    }
  }
  // The bridge settles the next month's first interval and closes the month for the cost cap.
  if (lastInterval === monthEnd) {
    await networkHelpers.time.increaseTo(Number(monthEnd + 1n) * 900);
    await settle(monthEnd);
    const numbers = Array.from({ length: 13 }, (_, k) => k + 1);
    await costCap.write.closeMonth([hood, month, numbers], as(settler));
  }
  const simulatedSeconds = (performance.now() - started) / 1000;

  // Every contract's storage as the traces wrote it, and every slot key written, kept across scans.
  const storage = new Map<string, Map<bigint, Hex>>();
  const slotKeys = new Map<string, Set<string>>();

  /** Scans the blocks from `fromBlock` on (the earlier ones were scanned before); returns what it found. */
  async function scanChain(fromBlock: bigint, needles: readonly Needle[]) {
    const findings: Finding[] = [];
    const index = indexNeedles(needles);
    const latest = await publicClient.getBlockNumber();
    let transactions = 0;
    let logs = 0;
    let writes = 0;
    for (let n = fromBlock; n <= latest; n++) {
      const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        const receipt = await publicClient.getTransactionReceipt({ hash: tx.hash });
        const diff = (await request({
          method: "debug_traceTransaction",
          params: [tx.hash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }],
        })) as {
          pre: Record<string, { storage?: Record<Hex, Hex> }>;
          post: Record<string, { storage?: Record<Hex, Hex> }>;
        };
        // Apply the diff: slots in `post` were written; slots only in `pre` were cleared to zero.
        const changed: [string, bigint][] = [];
        for (const side of ["pre", "post"] as const) {
          for (const [address, account] of Object.entries(diff[side])) {
            const state = storage.get(address) ?? new Map<bigint, Hex>();
            storage.set(address, state);
            for (const [key, value] of Object.entries(account.storage ?? {})) {
              const slot = BigInt(key);
              if (side === "pre" && diff.post[address]?.storage?.[key as Hex] !== undefined) continue;
              state.set(slot, side === "pre" ? numberToHex(0, { size: 32 }) : value);
              changed.push([address, slot]);
              const keys = slotKeys.get(address) ?? new Set<string>();
              slotKeys.set(address, keys);
              keys.add(numberToHex(slot, { size: 32 }).slice(2));
            }
          }
        }
        transactions++;
        scan(tx.input, `calldata of ${tx.hash}`, index, findings);
        for (const log of receipt.logs) {
          logs++;
          scan(concat([...log.topics, log.data]), `log ${log.logIndex} of ${tx.hash}`, index, findings);
        }
        for (const [address, slot] of changed) {
          writes++;
          const state = storage.get(address)!;
          const word = (s: bigint) => state.get(s) ?? numberToHex(0, { size: 32 });
          // A long string fills consecutive slots: scan each written slot with its neighbours.
          const where = `storage ${address} slot ${numberToHex(slot)} written by ${tx.hash}`;
          scan(concat([word(slot - 1n), word(slot), word(slot + 1n)]), where, index, findings);
          scan(numberToHex(slot, { size: 32 }), `key of ${where}`, index, findings);
        }
      }
    }
    // A mapping keyed by a value stores it at keccak256(key ‖ slot): look for the needles as keys.
    for (const { what, hex } of needles) {
      for (let p = 0n; p < 64n; p++) {
        const key = keccak256(concat([`0x${hex}`, numberToHex(p, { size: 32 })])).slice(2);
        for (const [address, keys] of slotKeys) {
          if (keys.has(key))
            findings.push({ what: `${what} as a mapping key`, where: `storage ${address} mapping at slot ${p}` });
        }
      }
    }
    return { findings, transactions, logs, writes, blocks: latest + 1n - fromBlock };
  }

  const needles = HOUSEHOLDS.flatMap((h, i) =>
    needlesOf(h, [h.salt, ...(extraSalts.has(i) ? [extraSalts.get(i)!] : [])]),
  );
  const scanStarted = performance.now();
  const result = await scanChain(0n, needles);
  const scanSeconds = (performance.now() - scanStarted) / 1000;
  const latestBlock = await publicClient.getBlockNumber();

  it(`settled every interval of the month (${settledCount} intervals, ${simulatedSeconds.toFixed(0)} s)`, () => {
    assert.equal(BigInt(settledCount), lastInterval - first + (lastInterval === monthEnd ? 1n : 0n));
    console.log(
      `privacy: ${settledCount} intervals in ${simulatedSeconds.toFixed(1)} s; scanned ${result.blocks} blocks, ` +
        `${result.transactions} transactions, ${result.logs} logs, ${result.writes} storage writes in ${scanSeconds.toFixed(1)} s`,
    );
  });

  it("finds no metering point id, name, e-mail, address or salt in calldata, logs or storage", () => {
    assert.ok(result.transactions >= settledCount, "the scan covered every settlement transaction");
    // Every deployed contract's storage was seen, constructor writes included.
    for (const contract of Object.values(deployed)) {
      assert.ok(slotKeys.has(contract.address.toLowerCase()), `storage of ${contract.address} scanned`);
    }
    assert.deepEqual(result.findings.slice(0, 10), []);
  });

  it("knows each meter only by its salted id, in events and as the registry's mapping key", async () => {
    const registered = await publicClient.getContractEvents({
      address: meterRegistry.address,
      abi: meterRegistry.abi,
      eventName: "MeterRegistered",
      fromBlock: 0n,
    });
    const salted = [
      ...HOUSEHOLDS.map((h) => h.meter),
      ...[...extraSalts].map(([i, s]) => meterId(s, HOUSEHOLDS[i].meteringPointId)),
    ];
    assert.deepEqual(
      registered.map((e) => e.args.meter),
      salted,
    );
    assert.deepEqual(await meterRegistry.read.metersIn([hood]), salted);
    const keys = slotKeys.get(meterRegistry.address.toLowerCase())!;
    for (const meter of salted) {
      const asKey = Array.from({ length: 64 }, (_, p) =>
        keccak256(concat([meter, numberToHex(p, { size: 32 })])).slice(2),
      );
      assert.ok(
        asKey.some((k) => keys.has(k)),
        `salted meter id ${meter} is a key of the registry's storage`,
      );
    }
  });

  it("finds a metering point id, a name and an unsalted hash when an operator puts them on chain", async () => {
    const h = HOUSEHOLDS[0];
    const unsalted = keccak256(toHex(h.meteringPointId));
    await meterRegistry.write.registerMeter([unsalted, hood, ownerOf(0).account.address], as(operator));
    const interval = first + 30n;
    const [{ chunk, results }] = lastResults.get(interval)!;
    const m = decodeChunkResults(results)[0];
    const reason = `${h.name} (${h.meteringPointId}) called: the meter was swapped`;
    await corrections.write.correctMeter(
      [hood, interval, chunk, results, 0n, Number(m.importWh) + 100, Number(m.exportWh), reason],
      as(operator),
    );
    const { findings } = await scanChain(latestBlock + 1n, needlesOf(h, [h.salt]));
    const found = (what: string, where: string) =>
      findings.some((f) => f.what.startsWith(what) && f.where.startsWith(where));
    const id = `${h.label}'s metering point id ${JSON.stringify(h.meteringPointId)}`;
    assert.ok(found(`keccak256(${id})`, "calldata"), "unsalted hash in calldata");
    assert.ok(found(`keccak256(${id})`, "log"), "unsalted hash in MeterRegistered");
    assert.ok(found(`keccak256(${id})`, "storage"), "unsalted hash as a stored value (the meter list)");
    assert.ok(found(`keccak256(${id}) as a mapping key`, "storage"), "unsalted hash as a mapping key");
    assert.ok(found(`${id} as UTF-8`, "calldata"), "metering point id in the correction's calldata");
    assert.ok(found(`${id} as UTF-8`, "log"), "metering point id in MeterCorrected");
    assert.ok(found(`${h.label}'s name ${JSON.stringify(h.name)} as UTF-8`, "log"), "name in MeterCorrected");
    // And in a blob: at a byte boundary only.
    const blob = `0x00${toHex(`id=${h.meteringPointId};`).slice(2)}00` as Hex;
    const inBlob: Finding[] = [];
    scan(blob, "blob", indexNeedles(needlesOf(h, [])), inBlob);
    assert.ok(inBlob.some((f) => f.what === `${id} as UTF-8`));
    const shifted: Finding[] = [];
    scan(`0x0${toHex(h.meteringPointId).slice(2)}0`, "shifted", indexNeedles(needlesOf(h, [])), shifted);
    assert.deepEqual(shifted, []);
  });
});
