/** The part of node-red-node-test-helper (which ships no types) that the node tests use. */
declare module "node-red-node-test-helper" {
  export type FlowNode = { id: string; type: string; [property: string]: unknown };
  export type TestMessage = { topic?: string; payload?: unknown; [property: string]: unknown };
  export type TestNode = {
    on(event: "input", listener: (msg: TestMessage) => void): void;
    on(event: "call:status" | "call:error" | "call:warn", listener: (call: { args: unknown[] }) => void): void;
    receive(msg: TestMessage): void;
  };
  const helper: {
    init(nodeRedPath: string, settings?: Record<string, unknown>): void;
    startServer(): Promise<void>;
    stopServer(): Promise<void>;
    load(nodes: unknown, flow: FlowNode[], credentials?: Record<string, Record<string, string>>): Promise<void>;
    unload(): Promise<void>;
    getNode(id: string): TestNode;
  };
  export default helper;
}
