import { createRequire } from "node:module";
import hardhatToolboxViemPlugin from "@nomicfoundation/hardhat-toolbox-viem";
import { configVariable, defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [hardhatToolboxViemPlugin],
  solidity: {
    // solc-js from npm: nothing is downloaded at compile time.
    version: "0.8.30",
    path: require.resolve("solc/soljson.js"),
    settings: {
      // An EVM version that permissioned Besu (QBFT) networks run.
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
    },
  },
  paths: {
    sources: "contracts",
    tests: { solidity: "contracts", nodejs: "test/contracts" },
    ignition: "contracts/ignition",
  },
  networks: {
    // The demo's chain (`npm start`): Hardhat's simulated network, starting at NACHBARSTROM_CHAIN_START
    // (ISO time) so that its clock can follow the simulator's from a day in the past.
    demo: {
      type: "edr-simulated",
      chainType: "l1",
      ...(process.env.NACHBARSTROM_CHAIN_START ? { initialDate: process.env.NACHBARSTROM_CHAIN_START } : {}),
    },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    production: {
      type: "http",
      chainType: "l1",
      url: configVariable("NACHBARSTROM_RPC_URL"),
      accounts: [configVariable("NACHBARSTROM_DEPLOYER_KEY")],
    },
  },
});
