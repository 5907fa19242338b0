"use strict";
/**
 * nachbarstrom-chain: config node for the connection to the Nachbarstrom contracts. Reads the
 * deployment file (contract addresses, chain id, RPC URL), optionally overrides the RPC URL, and
 * holds the bridge account's private key as a Node-RED credential. An empty credential falls back
 * to NACHBARSTROM_BRIDGE_KEY; a credential of exactly ${NAME} is replaced by Node-RED with that
 * environment variable.
 */
const DEPLOYMENT_ENV = "NACHBARSTROM_DEPLOYMENT";

module.exports = async function (RED) {
  const { readDeployment } = await import("@nachbarstrom/core");
  const { BRIDGE_KEY_ENV, resolveBridgeKey } = await import("../src/bridge-key.ts");
  const { createSettlementPort } = await import("../src/chain-client.ts");
  const { configuredFile } = await import("../src/directory.ts");

  function NachbarstromChainNode(config) {
    RED.nodes.createNode(this, config);
    const node = this;
    node.name = config.name;
    let port;

    /**
     * The settlement port, created on first use. Throws a BridgeConfigurationError or a
     * NachbarstromError naming what is missing or wrong; the key never appears in a message.
     */
    node.settlementPort = () => {
      if (port) return port;
      const deploymentFile = configuredFile({
        configured: config.deploymentFile,
        fromEnv: RED.util.getSetting(node, DEPLOYMENT_ENV),
        envName: DEPLOYMENT_ENV,
        what: "deployment",
      });
      const deployment = readDeployment(deploymentFile);
      const { privateKey, source } = resolveBridgeKey({
        credential: node.credentials?.privateKey,
        fromEnv: RED.util.getSetting(node, BRIDGE_KEY_ENV),
      });
      port = createSettlementPort({ deployment, privateKey, rpcUrl: config.rpcUrl?.trim() || undefined });
      node.log(RED._("chain.log.ready", { rpcUrl: port.rpcUrl, account: port.account, source }));
      return port;
    };
  }

  RED.nodes.registerType("nachbarstrom-chain", NachbarstromChainNode, {
    credentials: { privateKey: { type: "password" } },
  });
};
