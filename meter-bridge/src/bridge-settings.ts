import { fileURLToPath } from "node:url";
import type { LogLevel } from "node-red";

/** The meter-bridge package folder: Node-RED loads its nodes from here (package.json "node-red"). */
export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));

export const CREDENTIAL_SECRET_ENV = "NACHBARSTROM_CREDENTIAL_SECRET";

/**
 * WELL-KNOWN DEVELOPMENT VALUE, public in this repository: it only keeps the local demo's
 * credentials file from being plain text. Any real installation sets NACHBARSTROM_CREDENTIAL_SECRET.
 */
export const DEV_CREDENTIAL_SECRET = "nachbarstrom-local-development-only";

export type BridgeSettingsParameters = {
  userDir: string;
  credentialSecret: string;
  logLevel: LogLevel;
};

/** Node-RED settings for the embedded bridge: no palette installs, no telemetry, no update checks. */
export function bridgeSettings({
  userDir,
  credentialSecret,
  logLevel,
}: BridgeSettingsParameters): Record<string, unknown> {
  return {
    userDir,
    flowFile: "flows.json",
    flowFilePretty: true,
    credentialSecret,
    // Also found through the workspace's node_modules link; Node-RED loads a module once by name.
    nodesDir: [PACKAGE_DIR],
    httpAdminRoot: "/",
    // The node app serves the bridge's own routes: GET /nachbarstrom/metrics and the HTTP ingest node's.
    httpNodeRoot: "/",
    editorTheme: {
      header: { title: "Nachbarstrom meter bridge" },
      projects: { enabled: false },
      tours: false,
    },
    externalModules: {
      autoInstall: false,
      palette: { allowInstall: false, allowUpload: false },
      modules: { allowInstall: false },
    },
    functionExternalModules: false,
    telemetry: { enabled: false, updateNotification: false },
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    exportGlobalContextKeys: false,
    logging: { console: { level: logLevel, metrics: false, audit: false } },
  };
}
