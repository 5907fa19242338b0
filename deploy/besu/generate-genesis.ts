/**
 * Writes the genesis file of the operators' Besu QBFT network from the validators' addresses, so each
 * group of operators regenerates it with its own node keys:
 *
 *   node deploy/besu/generate-genesis.ts deploy/besu/validators.json deploy/besu/genesis.json
 *
 * The validators file is `{ "validators": ["0x…", …] }` (validators.example.json shows the form). Every
 * node of the network must start from the same file: its hash is the chain's identity.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromRlp, getAddress, isAddress, toHex, toRlp, type Address, type Hex } from "viem";
import { NachbarstromError } from "@nachbarstrom/core";

/**
 * The network's chain id: 52066, the postal code of the first neighbourhood (Aachen-Burtscheid). It is
 * not listed in ethereum-lists/chains, so a transaction signed for this network is worth nothing on a
 * public chain, and it is not 31337, the id on which scripts/deploy-network.ts accepts development keys.
 */
export const CHAIN_ID = 52066;

/**
 * Block gas limit: 30 M. The settlement planner fills a chunk up to 14 M estimated gas
 * (packages/core/src/chunks.ts), so one chunk and the bridge's other transactions fit a block with room.
 * QBFT keeps the genesis limit unless a node sets --target-gas-limit.
 */
export const GAS_LIMIT = 30_000_000n;

/**
 * QBFT timing: a block every 2 seconds is far below the 15-minute interval and keeps the bridge's
 * receipts quick; a round times out after 4 seconds (twice the period, as Besu recommends); votes are
 * reset every 30,000 blocks (about 17 hours).
 */
export const QBFT = { blockperiodseconds: 2, epochlength: 30000, requesttimeoutseconds: 4 } as const;

/** The mixHash that marks a BFT block ("Istanbul"/QBFT digest), as Besu requires. */
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
const VANITY = toHex(new Uint8Array(32));

/**
 * QBFT's genesis extraData: RLP([32-byte vanity, [validators], vote, round, seals]) with no vote (an
 * empty list), round 0 (the empty byte string) and no seals, as Besu's `rlp encode --type=QBFT_EXTRA_DATA`
 * writes it.
 */
export function qbftExtraData(validators: readonly Address[]): Hex {
  return toRlp([VANITY, validators.map((v) => v.toLowerCase() as Hex), [], "0x", []]);
}

export type QbftExtraData = { vanity: Hex; validators: Address[]; vote: Hex[]; round: Hex; seals: Hex[] };

/** Reads a QBFT extraData back; throws when it does not have QBFT's five fields. */
export function decodeQbftExtraData(extraData: Hex): QbftExtraData {
  const fields = fromRlp(extraData, "hex");
  if (!Array.isArray(fields) || fields.length !== 5) {
    throw new NachbarstromError("extraData is not QBFT's", { details: "expected an RLP list of 5 fields" });
  }
  const [vanity, validators, vote, round, seals] = fields;
  if (typeof vanity !== "string" || !Array.isArray(validators) || !Array.isArray(vote) || typeof round !== "string") {
    throw new NachbarstromError("extraData is not QBFT's", {
      details: "expected vanity, list of validators, vote, round",
    });
  }
  return {
    vanity: vanity as Hex,
    validators: validators.map((v) => getAddress(v as Hex)),
    vote: vote as Hex[],
    round: round as Hex,
    seals: seals as Hex[],
  };
}

export type GenesisParameters = { validators: readonly Address[] };

/**
 * The genesis: QBFT with the validators in extraData; the EVM at Cancun from block 0 (the contracts are
 * compiled for cancun, hardhat.config.ts); zeroBaseFee, so with min-gas-price 0 (config.toml) no account
 * needs ether; no account funded.
 */
export function buildGenesis({ validators }: GenesisParameters) {
  if (validators.length < 4) {
    throw new NachbarstromError(`QBFT needs at least 4 validators to tolerate a faulty one, got ${validators.length}`);
  }
  const unique = new Set(validators.map((v) => v.toLowerCase()));
  if (unique.size !== validators.length) throw new NachbarstromError("A validator address appears twice");
  return {
    config: {
      chainId: CHAIN_ID,
      berlinBlock: 0,
      londonBlock: 0,
      shanghaiTime: 0,
      cancunTime: 0,
      zeroBaseFee: true,
      qbft: QBFT,
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: toHex(GAS_LIMIT),
    difficulty: "0x1",
    mixHash: BFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: {},
    extraData: qbftExtraData(validators),
  };
}

/** Reads `{ "validators": [...] }`; the error names the file and the entry that is wrong. */
export function readValidators(file: string): Address[] {
  const json = JSON.parse(readFileSync(file, "utf8")) as { validators?: unknown };
  if (!Array.isArray(json.validators)) throw new NachbarstromError(`${file}: "validators" must be a list of addresses`);
  return json.validators.map((value: unknown, i) => {
    if (typeof value !== "string" || !isAddress(value, { strict: false })) {
      throw new NachbarstromError(`${file}: validators[${i}] is not an address`, { details: String(value) });
    }
    return getAddress(value);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [validatorsFile, genesisFile] = process.argv.slice(2);
  if (!validatorsFile || !genesisFile) {
    console.error("usage: node deploy/besu/generate-genesis.ts <validators.json> <genesis.json>");
    process.exit(2);
  }
  const genesis = buildGenesis({ validators: readValidators(validatorsFile) });
  writeFileSync(genesisFile, JSON.stringify(genesis, null, 2) + "\n");
  console.log(`wrote ${genesisFile}: chain ${CHAIN_ID}, ${genesis.extraData.length / 2 - 1} bytes of extraData`);
}
