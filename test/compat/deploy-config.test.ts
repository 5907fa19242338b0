/**
 * The deployment's configuration (deploy/deploy-config.ts, deploy/keystore.ts): keys from the
 * environment or an encrypted keystore, never a development key off the local chain, roles from the
 * parameters file or the environment, and errors that name what is wrong.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEV_ACCOUNT_INDEX } from "@nachbarstrom/core";
import { assertKeyAllowed, readDeployConfig } from "../../deploy/deploy-config.ts";
import { decryptKeystore, type Keystore } from "../../deploy/keystore.ts";
import { devPrivateKey } from "../../scripts/stack/stack.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const example = join(root, "deploy/parameters.example.json");
/** Any key that is not a development key (this one is the Web3 Secret Storage test vector's). */
const KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

/** go-ethereum's accounts/keystore/testdata/v3_test_vector.json: the Web3 Secret Storage wiki's pbkdf2 vector. */
const PBKDF2_VECTOR: Keystore = {
  version: 3,
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
};
/** The same file's scrypt vector with r 8 (its key is 31 bytes, which the format allows). */
const SCRYPT_VECTOR: Keystore = {
  version: 3,
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "e0c41130a323adc1446fc82f724bca2f" },
    ciphertext: "9517cd5bdbe69076f9bf5057248c6c050141e970efa36ce53692d5d59a3984",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 2,
      r: 8,
      p: 1,
      salt: "711f816911c92d649fb4c84b047915679933555030b3552c1212609b38208c63",
    },
    mac: "d5e116151c6aa71470e67a7d42c9620c75c4d23229847dcc127794f0732b0db5",
  },
};

describe("the deployer's keystore", () => {
  it("decrypts go-ethereum's pbkdf2 and scrypt test vectors", () => {
    assert.equal(decryptKeystore(PBKDF2_VECTOR, "testpassword"), KEY);
    assert.equal(
      decryptKeystore(SCRYPT_VECTOR, "foo"),
      "0xfa7b3db73dc7dfdf8c5fbdb796d741e4488628c41fc4febd9160a866ba0f35",
    );
  });

  it("refuses a wrong password", () => {
    assert.throws(() => decryptKeystore(PBKDF2_VECTOR, "wrong"), /wrong password/);
  });
});

describe("the deploy configuration", () => {
  const base = {
    NACHBARSTROM_RPC_URL: "http://127.0.0.1:8545",
    NACHBARSTROM_DEPLOY_PARAMETERS: example,
    NACHBARSTROM_DEPLOYMENT: "/srv/nachbarstrom/deployment.json",
  };
  const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-deploy-config-"));
  const keystore = join(dir, "deployer.keystore.json");
  writeFileSync(keystore, JSON.stringify(PBKDF2_VECTOR));
  // The example names its own made-up deployer: a copy without it takes any key.
  const parameters = join(dir, "parameters.json");
  writeFileSync(parameters, JSON.stringify({ ...JSON.parse(readFileSync(example, "utf8")), deployer: undefined }));

  it("reads the key from an encrypted keystore and the roles from the parameters file", () => {
    const config = readDeployConfig(
      {
        ...base,
        NACHBARSTROM_DEPLOY_PARAMETERS: parameters,
        NACHBARSTROM_DEPLOYER_KEYSTORE: keystore,
        NACHBARSTROM_DEPLOYER_KEYSTORE_PASSWORD: "testpassword",
      },
      root,
    );
    assert.equal(config.deployerKey, KEY);
    assert.equal(config.chainId, 52066);
    assert.equal(config.roles.bridge.toLowerCase(), "0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeea005");
    assert.equal(config.adminDelaySeconds, 172_800n);
    assert.equal(config.deploymentFile, "/srv/nachbarstrom/deployment.json");
  });

  it("reads the roles from the environment when no parameters file is given", () => {
    const role = (n: number) => `0x${String(n).padStart(40, "0")}`;
    const config = readDeployConfig(
      {
        NACHBARSTROM_RPC_URL: "http://127.0.0.1:8545",
        NACHBARSTROM_CHAIN_ID: "52066",
        NACHBARSTROM_DEPLOYER_KEY: KEY,
        NACHBARSTROM_ROLE_ADMIN: role(1),
        NACHBARSTROM_ROLE_OPERATOR: role(2),
        NACHBARSTROM_ROLE_TREASURER: role(3),
        NACHBARSTROM_ROLE_BRIDGE: role(4),
        NACHBARSTROM_ROLE_TREASURY: role(5),
      },
      root,
    );
    assert.equal(config.roles.treasury, role(5));
    assert.equal(config.deploymentFile, join(root, "runtime", "deployment.json"));
  });

  it("names the missing role", () => {
    assert.throws(
      () =>
        readDeployConfig(
          {
            ...base,
            NACHBARSTROM_DEPLOY_PARAMETERS: undefined,
            NACHBARSTROM_CHAIN_ID: "52066",
            NACHBARSTROM_DEPLOYER_KEY: KEY,
          },
          root,
        ),
      /NACHBARSTROM_ROLE_ADMIN is not an address/,
    );
  });

  it("refuses a key that is not the deployer the parameters name", () => {
    assert.throws(
      () => readDeployConfig({ ...base, NACHBARSTROM_DEPLOYER_KEY: KEY }, root),
      /not the deployer the parameters name/,
    );
  });

  it("refuses two keys, or none", () => {
    assert.throws(
      () =>
        readDeployConfig({ ...base, NACHBARSTROM_DEPLOYER_KEY: KEY, NACHBARSTROM_DEPLOYER_KEYSTORE: keystore }, root),
      /Two deployer keys/,
    );
    assert.throws(() => readDeployConfig(base, root), /No deployer key/);
  });

  it("refuses the well-known development keys on any chain but 31337", () => {
    for (const index of [DEV_ACCOUNT_INDEX.admin, DEV_ACCOUNT_INDEX.bridge, 19]) {
      assert.throws(() => assertKeyAllowed(devPrivateKey(index), 52066), /well-known development key on chain 52066/);
      assert.doesNotThrow(() => assertKeyAllowed(devPrivateKey(index), 31337));
    }
    assert.throws(
      () =>
        readDeployConfig(
          { ...base, NACHBARSTROM_DEPLOY_PARAMETERS: parameters, NACHBARSTROM_DEPLOYER_KEY: devPrivateKey(0) },
          root,
        ),
      /well-known development key/,
    );
    assert.doesNotThrow(() => assertKeyAllowed(KEY, 52066));
  });

  it("wants an absolute deployment path and an http RPC URL", () => {
    assert.throws(
      () =>
        readDeployConfig(
          {
            ...base,
            NACHBARSTROM_DEPLOYER_KEY: KEY,
            NACHBARSTROM_DEPLOY_PARAMETERS: parameters,
            NACHBARSTROM_DEPLOYMENT: "deployment.json",
          },
          root,
        ),
      /absolute path/,
    );
    assert.throws(
      () => readDeployConfig({ ...base, NACHBARSTROM_RPC_URL: "127.0.0.1:8545" }, root),
      /NACHBARSTROM_RPC_URL/,
    );
  });
});
