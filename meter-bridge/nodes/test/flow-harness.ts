/** Loads a node under test into node-red-node-test-helper and collects what reaches each output. */
import { createRequire } from "node:module";
import helper, { type FlowNode, type TestMessage } from "node-red-node-test-helper";

const require = createRequire(import.meta.url);
helper.init(require.resolve("node-red"));

/** The node module of one of our nodes, e.g. nodeModule("reading") for ../reading.js. */
export function nodeModule(name: "chain" | "reading" | "interval" | "settle" | "mqtt-in"): unknown {
  return require(`../${name}.js`);
}

export type Harness = {
  /** Messages per output port of the node under test, in arrival order. */
  outputs: TestMessage[][];
  /** Texts the node passed to node.error(). */
  errors: unknown[];
  send(msg: TestMessage): void;
  /** Waits until `count` messages have arrived on all outputs together. */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
};

/** Starts the helper with `node` wired to one helper node per output. Call helper.unload() after. */
export async function loadNode(
  modules: unknown[],
  node: FlowNode & { outputs: number },
  extra: FlowNode[] = [],
  credentials: Record<string, Record<string, string>> = {},
): Promise<Harness> {
  const outputIds = Array.from({ length: node.outputs }, (_, i) => `out${i + 1}`);
  const { outputs: _, ...config } = node;
  const flow: FlowNode[] = [
    { ...config, wires: outputIds.map((id) => [id]) },
    ...outputIds.map((id) => ({ id, type: "helper" })),
    ...extra,
  ];
  await helper.load(modules, flow, credentials);
  const outputs = outputIds.map(() => [] as TestMessage[]);
  outputIds.forEach((id, i) => helper.getNode(id).on("input", (msg) => outputs[i].push(msg)));
  const errors: unknown[] = [];
  const underTest = helper.getNode(node.id);
  underTest.on("call:error", (call) => errors.push(call.args[0]));
  return {
    outputs,
    errors,
    send: (msg) => underTest.receive(msg),
    async waitForMessages(count, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      while (outputs.reduce((n, o) => n + o.length, 0) < count) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} messages`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
  };
}

export { helper };
