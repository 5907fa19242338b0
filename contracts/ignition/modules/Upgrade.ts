import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { deployVersion } from "./Nachbarstrom.ts";

/**
 * Deploys the next version of the seven contracts beside the running one (ADR 0009): wired as a first
 * deployment, the admin role of each handed to the existing timelock, but not sealed, so the timelock
 * can bind them to the version they replace. Parameters: timelock (the running deployment's), and
 * operator, treasurer, bridge, treasury as in the Nachbarstrom module (the treasury must be the same).
 * Moving over is scripts/upgrade.ts.
 */
export default buildModule("NachbarstromUpgrade", (m) => {
  const timelock = m.contractAt("NachbarstromTimelock", m.getParameter<string>("timelock"));
  return { ...deployVersion(m, timelock, { seal: false }), timelock };
});
