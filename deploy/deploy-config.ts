/**
 * What scripts/deploy-network.ts deploys with, read from the environment and the parameters file: the
 * RPC URL, the chain id the operators expect, the deployer's key (from the environment or an encrypted
 * keystore, never from the repository), the role addresses and where to write the deployment file.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEV_MNEMONIC, NachbarstromError, devAccount } from "@nachbarstrom/core";
import { readKeystore } from "./keystore.ts";

/** The chain id of Hardhat's and anvil's local chains: the only one that accepts development keys. */
export const LOCAL_CHAIN_ID = 31337;
/** How many accounts of the development mnemonic Hardhat and anvil hand out (anvil 10, Hardhat 20). */
const DEV_ACCOUNTS = 20;

export type Roles = { admin: Address; operator: Address; treasurer: Address; bridge: Address; treasury: Address };
const ROLE_NAMES = ["admin", "operator", "treasurer", "bridge", "treasury"] as const;

export type DeployConfig = {
  rpcUrl: string;
  /** The chain id the operators agreed on; the node must answer with it. */
  chainId: number;
  deployerKey: Hex;
  roles: Roles;
  adminDelaySeconds: bigint;
  /** Absolute path of the deployment file that bridge and portal read (NACHBARSTROM_DEPLOYMENT). */
  deploymentFile: string;
};

type Environment = Record<string, string | undefined>;

function address(value: unknown, where: string): Address {
  if (typeof value !== "string" || !isAddress(value, { strict: false })) {
    throw new NachbarstromError(`${where} is not an address`, { details: `got ${JSON.stringify(value)}` });
  }
  return getAddress(value);
}

function positiveInteger(value: unknown, where: string): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number <= 0) {
    throw new NachbarstromError(`${where} must be a positive whole number`, {
      details: `got ${JSON.stringify(value)}`,
    });
  }
  return number;
}

type ParametersFile = {
  chainId?: unknown;
  deployer?: unknown;
  roles?: Record<string, unknown>;
  adminDelaySeconds?: unknown;
};

function readParametersFile(file: string): ParametersFile {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as ParametersFile;
  } catch (cause) {
    throw new NachbarstromError(`Cannot read the deploy parameters ${file}`, {
      details: (cause as Error).message,
      cause,
    });
  }
}

/** The deployer's key: NACHBARSTROM_DEPLOYER_KEY, or NACHBARSTROM_DEPLOYER_KEYSTORE with its password. */
function deployerKey(env: Environment): Hex {
  const raw = env.NACHBARSTROM_DEPLOYER_KEY;
  const keystore = env.NACHBARSTROM_DEPLOYER_KEYSTORE;
  if (raw && keystore) {
    throw new NachbarstromError("Two deployer keys given", {
      details: "set NACHBARSTROM_DEPLOYER_KEY or NACHBARSTROM_DEPLOYER_KEYSTORE, not both",
    });
  }
  let key: string;
  if (keystore) {
    const password = env.NACHBARSTROM_DEPLOYER_KEYSTORE_PASSWORD;
    if (password === undefined) {
      throw new NachbarstromError("NACHBARSTROM_DEPLOYER_KEYSTORE_PASSWORD is not set", {
        details: `needed to decrypt ${keystore}`,
      });
    }
    key = readKeystore(keystore, password);
  } else if (raw) {
    key = raw.startsWith("0x") ? raw : `0x${raw}`;
  } else {
    throw new NachbarstromError("No deployer key", {
      details:
        "set NACHBARSTROM_DEPLOYER_KEYSTORE (an encrypted JSON keystore) and its password, or NACHBARSTROM_DEPLOYER_KEY",
    });
  }
  if (!isHex(key) || key.length !== 66) {
    throw new NachbarstromError("The deployer key is not 32 bytes of hex", {
      details: `${(key.length - 2) / 2} bytes`,
    });
  }
  return key;
}

/**
 * Refuses the well-known development keys (the public test mnemonic of Hardhat and anvil) on any chain
 * but the local one: everyone knows them, so whatever they deploy or hold is everyone's.
 */
export function assertKeyAllowed(key: Hex, chainId: number): void {
  if (chainId === LOCAL_CHAIN_ID) return;
  const address = privateKeyToAccount(key).address;
  for (let index = 0; index < DEV_ACCOUNTS; index++) {
    if (devAccount(index).address === address) {
      throw new NachbarstromError(`Refusing a well-known development key on chain ${chainId}`, {
        details: `${address} is account ${index} of the public test mnemonic "${DEV_MNEMONIC}"; use a key of your own`,
      });
    }
  }
}

/**
 * Reads the configuration: NACHBARSTROM_RPC_URL; NACHBARSTROM_CHAIN_ID or the parameters file's chainId;
 * the deployer key; the roles from NACHBARSTROM_DEPLOY_PARAMETERS (a JSON file as
 * deploy/parameters.example.json) or from NACHBARSTROM_ROLE_<ADMIN|OPERATOR|TREASURER|BRIDGE|TREASURY>;
 * NACHBARSTROM_DEPLOYMENT, the file to write (default runtime/deployment.json under `root`).
 */
export function readDeployConfig(env: Environment, root: string): DeployConfig {
  const rpcUrl = env.NACHBARSTROM_RPC_URL;
  if (!rpcUrl || !/^https?:\/\//.test(rpcUrl)) {
    throw new NachbarstromError("NACHBARSTROM_RPC_URL must be the node's http(s) JSON-RPC URL", {
      details: `got ${JSON.stringify(rpcUrl)}`,
    });
  }
  const parametersFile = env.NACHBARSTROM_DEPLOY_PARAMETERS;
  const parameters = parametersFile ? readParametersFile(parametersFile) : {};
  const source = parametersFile ?? "the environment";
  const roleValue = (name: (typeof ROLE_NAMES)[number]) =>
    parametersFile ? parameters.roles?.[name] : env[`NACHBARSTROM_ROLE_${name.toUpperCase()}`];
  const roleWhere = (name: string) =>
    parametersFile ? `${parametersFile}: roles.${name}` : `NACHBARSTROM_ROLE_${name.toUpperCase()}`;
  const roles = Object.fromEntries(
    ROLE_NAMES.map((name) => [name, address(roleValue(name), roleWhere(name))]),
  ) as Roles;

  const chainIdValue = env.NACHBARSTROM_CHAIN_ID ?? parameters.chainId;
  const chainId = positiveInteger(
    chainIdValue,
    env.NACHBARSTROM_CHAIN_ID ? "NACHBARSTROM_CHAIN_ID" : `${source}: chainId`,
  );
  const key = deployerKey(env);
  assertKeyAllowed(key, chainId);
  if (parameters.deployer !== undefined) {
    const expected = address(parameters.deployer, `${parametersFile}: deployer`);
    const actual = privateKeyToAccount(key).address;
    if (actual !== expected) {
      throw new NachbarstromError("The deployer key is not the deployer the parameters name", {
        details: `the key is ${actual}, ${parametersFile} says ${expected}`,
      });
    }
  }
  const delay = env.NACHBARSTROM_ADMIN_DELAY_SECONDS ?? parameters.adminDelaySeconds ?? 2 * 24 * 3600;
  const deploymentFile = env.NACHBARSTROM_DEPLOYMENT ?? join(root, "runtime", "deployment.json");
  if (!isAbsolute(deploymentFile)) {
    throw new NachbarstromError("NACHBARSTROM_DEPLOYMENT must be an absolute path", { details: deploymentFile });
  }
  return {
    rpcUrl,
    chainId,
    deployerKey: key,
    roles,
    adminDelaySeconds: BigInt(positiveInteger(delay, `${source}: adminDelaySeconds`)),
    deploymentFile,
  };
}
