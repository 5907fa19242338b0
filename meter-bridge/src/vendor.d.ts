/**
 * The small part of Node-RED's and express's APIs that the launcher uses; neither package ships
 * TypeScript types. If @types/express is ever installed, drop the express part.
 */
declare module "node-red" {
  import type { EventEmitter } from "node:events";
  import type { RequestListener, Server } from "node:http";

  type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace";
  type FlowConfig = { flows: unknown[]; rev: string };

  const RED: {
    init(server: Server, settings: Record<string, unknown>): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    readonly httpAdmin: RequestListener;
    readonly httpNode: RequestListener;
    readonly events: EventEmitter;
    readonly log: Record<LogLevel, (message: string) => void>;
    /** The running nodes: getNode(id) is null for a node that is disabled or did not start. */
    readonly nodes: { getNode(id: string): object | null };
    readonly runtime: {
      flows: {
        setFlows(options: {
          flows: { flows: unknown[]; credentials?: Record<string, unknown> };
          deploymentType?: "full" | "nodes" | "flows" | "reload";
        }): Promise<{ rev: string }>;
      };
    };
    readonly version: () => string;
  };
  export type { FlowConfig, LogLevel };
  export default RED;
}

declare module "express" {
  import type { RequestListener } from "node:http";

  type Application = RequestListener & {
    use(path: string, handler: RequestListener): Application;
  };
  function express(): Application;
  export default express;
}
