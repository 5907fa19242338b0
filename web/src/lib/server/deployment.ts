import { isAbsolute } from "node:path";
import { readDeployment, type Deployment } from "@nachbarstrom/core/deployment";
import { NachbarstromError } from "@nachbarstrom/core/errors";

/** Environment variable with the absolute path of the deployment JSON file. */
export const DEPLOYMENT_ENV = "NACHBARSTROM_DEPLOYMENT";

/** The deployment file is not configured, missing or invalid. */
export class DeploymentUnavailableError extends NachbarstromError {
  override name = "DeploymentUnavailableError";
}

/**
 * Reads the deployment file named by NACHBARSTROM_DEPLOYMENT. Called per request, so the portal
 * may start before the contracts are deployed and picks up a redeployment without a restart.
 */
export function loadDeployment(env: Readonly<Record<string, string | undefined>> = process.env): Deployment {
  const file = env[DEPLOYMENT_ENV];
  if (!file) {
    throw new DeploymentUnavailableError(`${DEPLOYMENT_ENV} is not set`, {
      details: "Set it to the absolute path of the deployment JSON file that the deployment writes.",
    });
  }
  if (!isAbsolute(file)) {
    throw new DeploymentUnavailableError(`${DEPLOYMENT_ENV} is not an absolute path`, { details: `got "${file}"` });
  }
  try {
    return readDeployment(file);
  } catch (cause) {
    if (!(cause instanceof NachbarstromError)) throw cause;
    throw new DeploymentUnavailableError(cause.shortMessage, { details: cause.details, cause });
  }
}
