/**
 * What can be checked of the Besu QBFT configuration (deploy/besu/) without Java or Docker: the genesis
 * is what the generator makes of the example validators and decodes as QBFT expects; its fork is the one
 * the contracts are compiled for; its gas limit holds the largest settlement transaction; gas is free;
 * compose file and node configuration name the same files; the allowlists hold the role accounts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { getAddress, type Hex } from "viem";
import { CHUNK_GAS, MAX_CHUNK, chunkGas, planChunks } from "@nachbarstrom/core";
import {
  CHAIN_ID,
  buildGenesis,
  decodeQbftExtraData,
  qbftExtraData,
  readValidators,
} from "../../deploy/besu/generate-genesis.ts";
import { compiledEvmVersion } from "./evm-version.ts";

const file = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));
const genesis = JSON.parse(readFileSync(file("besu/genesis.json"), "utf8"));
const validators = readValidators(file("besu/validators.example.json"));

/**
 * The subset of TOML the node files keep to: `key=value` with JSON-compatible values (strings in double
 * quotes, numbers, booleans, arrays spanning lines), comments with #.
 */
function readToml(path: string): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.replace(/^\s*#.*$/, "").trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue;
    const match = /^([a-z0-9-]+)=(.*)$/.exec(lines[i]);
    assert.ok(match, `${path}: line ${i + 1} is not key=value: ${lines[i]}`);
    let value = match[2];
    while (value.startsWith("[") && !value.endsWith("]")) value += lines[++i];
    entries[match[1]] = JSON.parse(value.replace(/,\s*]$/, "]"));
  }
  return entries;
}

describe("the Besu QBFT genesis", () => {
  it("is what generate-genesis.ts makes of the example validators", () => {
    assert.deepEqual(genesis, JSON.parse(JSON.stringify(buildGenesis({ validators }))));
  });

  it("encodes extraData as Besu's documentation does (its example validators, byte for byte)", () => {
    const besuExample = [
      "0x64a702e6263b7297a96638cac6ae65e6541f4169",
      "0x3923390ad55e90c237593b3b0e401f3b08a03185",
      "0xaefdb9a738c9f433e5b6b212a6d62f6370c2f692",
      "0xc7eeb9a4e00ce683cf93039b212648e01c6c6b78",
    ] as const;
    assert.equal(
      qbftExtraData(besuExample),
      "0xf87aa00000000000000000000000000000000000000000000000000000000000000000f8549464a702e6263b7297a96638cac6ae65e6541f4169943923390ad55e90c237593b3b0e401f3b08a0318594aefdb9a738c9f433e5b6b212a6d62f6370c2f69294c7eeb9a4e00ce683cf93039b212648e01c6c6b78c080c0",
    );
  });

  it("decodes to the four validators, no vote, round 0, no seals", () => {
    const decoded = decodeQbftExtraData(genesis.extraData as Hex);
    assert.equal(decoded.vanity, `0x${"00".repeat(32)}`);
    assert.deepEqual(decoded.validators, validators);
    assert.equal(new Set(decoded.validators).size, 4);
    assert.deepEqual(decoded.vote, []);
    assert.equal(decoded.round, "0x");
    assert.deepEqual(decoded.seals, []);
  });

  it("marks the example validators as examples", () => {
    for (const v of validators) assert.match(v.toLowerCase(), /^0xe{36}/, `${v} is an obvious example address`);
  });

  it("refuses fewer than four validators and a validator twice", () => {
    assert.throws(() => buildGenesis({ validators: validators.slice(0, 3) }), /at least 4 validators/);
    assert.throws(() => buildGenesis({ validators: [...validators.slice(0, 3), validators[0]] }), /appears twice/);
  });

  it("runs the EVM fork the contracts are compiled for, from the first block", () => {
    const fork = compiledEvmVersion();
    assert.equal(fork, "cancun");
    assert.equal(genesis.config[`${fork}Time`], 0);
    // No later fork is scheduled: the contracts were compiled and tested for this one.
    for (const later of ["pragueTime", "osakaTime"]) assert.equal(genesis.config[later], undefined);
  });

  it("is QBFT with its timing, on its own chain id", () => {
    assert.equal(genesis.config.chainId, CHAIN_ID);
    assert.notEqual(CHAIN_ID, 31337);
    assert.deepEqual(genesis.config.qbft, { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4 });
    assert.ok(genesis.config.qbft.requesttimeoutseconds > genesis.config.qbft.blockperiodseconds);
    assert.equal(genesis.mixHash, "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365");
  });

  it("has a block gas limit above the largest settlement transaction the planner makes", () => {
    const gasLimit = BigInt(genesis.gasLimit);
    assert.ok(BigInt(CHUNK_GAS.budget) < gasLimit, "the planner's budget fits a block");
    // A neighbourhood of MAX_CHUNK meters, every pair of neighbours joined by a power contract: the
    // planner's biggest chunks.
    const meters = Array.from({ length: MAX_CHUNK }, (_, i) => ({ number: i + 1 }));
    const contracts = meters.slice(1).map((m) => ({ seller: m.number - 1, buyer: m.number }));
    const singles = planChunks(meters, []);
    const joined = planChunks(meters.slice(0, 500), contracts.slice(0, 499));
    const largest = Math.max(
      ...singles.map((chunk) => chunkGas(chunk.length, 0)),
      ...joined.map((chunk) => chunkGas(chunk.length, chunk.length - 1)),
    );
    assert.ok(BigInt(largest) <= gasLimit, `largest chunk ${largest} gas within ${gasLimit}`);
  });
});

describe("the Besu node configuration", () => {
  const config = readToml(file("besu/config.toml"));
  const permissions = readToml(file("besu/permissions/permissions_config.toml"));
  const compose = readFileSync(file("besu/docker-compose.yml"), "utf8");
  const mounts = [...compose.matchAll(/^\s*- "(\.\/[^:"]+|besu-data):([^:"]+)(?::ro)?"$/gm)].map((m) => ({
    source: m[1],
    target: m[2],
  }));

  it("makes gas free: zeroBaseFee in the genesis, min-gas-price 0 on the node", () => {
    assert.equal(genesis.config.zeroBaseFee, true);
    assert.equal(config["min-gas-price"], 0);
    assert.equal(config["min-priority-fee"], 0);
    assert.deepEqual(genesis.alloc, {}, "no account needs ether");
  });

  it("mounts every file the configuration names", () => {
    const named = [
      config["genesis-file"],
      config["node-private-key-file"],
      config["permissions-nodes-config-file"],
      config["permissions-accounts-config-file"],
      config["data-path"],
    ] as string[];
    for (const path of named) {
      assert.ok(
        mounts.some((m) => path === m.target || path.startsWith(`${m.target}/`)),
        `${path} is mounted by docker-compose.yml`,
      );
    }
    assert.match(compose, /--config-file=\/etc\/besu\/config.toml/);
    assert.ok(mounts.some((m) => m.source === "./config.toml" && m.target === "/etc/besu/config.toml"));
    assert.ok(mounts.some((m) => m.source === "./genesis.json" && m.target === config["genesis-file"]));
    const permissionsMount = mounts.find((m) =>
      (config["permissions-accounts-config-file"] as string).startsWith(m.target),
    );
    assert.equal(permissionsMount?.source, "./permissions", "the allowlists come from deploy/besu/permissions");
    assert.equal(config["permissions-nodes-config-file-enabled"], true);
    assert.equal(config["permissions-accounts-config-file-enabled"], true);
  });

  it("pins the Besu image by version", () => {
    assert.match(compose, /image: hyperledger\/besu:\d+\.\d+\.\d+\n/);
  });

  it("publishes JSON-RPC, administration and metrics on the host's loopback only", () => {
    for (const port of [config["rpc-http-port"], config["rpc-ws-port"], config["metrics-port"]]) {
      const published = [...compose.matchAll(new RegExp(`- "([0-9.]*:)?(\\d+):${port}"`, "g"))];
      assert.ok(published.length > 0, `port ${port} is published`);
      for (const p of published) assert.equal(p[1], "127.0.0.1:", `port ${port} only on 127.0.0.1`);
    }
    assert.deepEqual(config["host-allowlist"], ["localhost", "127.0.0.1"]);
  });

  it("keeps votes and allowlists off the API that bridge and portal use", () => {
    const apps = config["rpc-http-api"] as string[];
    for (const admin of ["QBFT", "PERM", "ADMIN"]) {
      assert.ok(!apps.includes(admin), `${admin} is not on the HTTP API`);
      assert.ok((config["rpc-ws-api"] as string[]).includes(admin), `${admin} is on the administration API`);
    }
  });

  it("allows the accounts that send transactions: deployer and every role but the treasury", () => {
    const parameters = JSON.parse(readFileSync(file("parameters.example.json"), "utf8"));
    const allowed = (permissions["accounts-allowlist"] as string[]).map((a) => getAddress(a));
    for (const role of ["admin", "operator", "treasurer", "bridge"]) {
      assert.ok(allowed.includes(getAddress(parameters.roles[role])), `${role} is allowed`);
    }
    assert.ok(allowed.includes(getAddress(parameters.deployer)), "the deployer is allowed");
    assert.equal(parameters.chainId, CHAIN_ID);
  });

  it("allows the bootnodes and gives every node an enode URL with a 64-byte key", () => {
    const nodes = permissions["nodes-allowlist"] as string[];
    assert.equal(nodes.length, 4);
    for (const enode of nodes) assert.match(enode, /^enode:\/\/[0-9a-f]{128}@[0-9.]+:\d+$/);
    for (const bootnode of config.bootnodes as string[]) assert.ok(nodes.includes(bootnode), `${bootnode} is allowed`);
  });
});
