import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { keccak256, toBytes } from "viem";

/**
 * Deploys the registry, the credit, the tariff schedule, the power contracts and the settlement, and
 * lets the settlement move credit.
 * Parameters (all addresses): admin, operator, bridge, treasury. The deploying account (Ignition's
 * default sender) needs no role afterwards: admin holds DEFAULT_ADMIN_ROLE on every contract.
 */
export default buildModule("Nachbarstrom", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const operator = m.getParameter("operator", m.getAccount(0));
  const bridge = m.getParameter("bridge", m.getAccount(1));
  const treasury = m.getParameter("treasury", m.getAccount(2));
  const settlementRole = keccak256(toBytes("nachbarstrom.role.settlement"));

  const meterRegistry = m.contract("MeterRegistry", [m.getAccount(0), operator]);
  const creditToken = m.contract("CreditToken", [m.getAccount(0), operator, meterRegistry, treasury]);
  const tariffSchedule = m.contract("TariffSchedule", [m.getAccount(0), operator, meterRegistry]);
  const powerContracts = m.contract("PowerContracts", [meterRegistry]);
  const neighbourhoodSettlement = m.contract("NeighbourhoodSettlement", [
    m.getAccount(0),
    bridge,
    meterRegistry,
    tariffSchedule,
    powerContracts,
    creditToken,
  ]);
  m.call(creditToken, "grantRole", [settlementRole, neighbourhoodSettlement]);

  // Give `admin` the admin role (a no-op when it is the deployer). On a production network the
  // deployer renounces its own admin role afterwards (doc/runbook).
  const adminRole = `0x${"00".repeat(32)}`;
  m.call(meterRegistry, "grantRole", [adminRole, admin], { id: "MeterRegistry_grantAdmin" });
  m.call(creditToken, "grantRole", [adminRole, admin], { id: "CreditToken_grantAdmin" });
  m.call(tariffSchedule, "grantRole", [adminRole, admin], { id: "TariffSchedule_grantAdmin" });
  m.call(neighbourhoodSettlement, "grantRole", [adminRole, admin], { id: "NeighbourhoodSettlement_grantAdmin" });

  return { meterRegistry, creditToken, tariffSchedule, powerContracts, neighbourhoodSettlement };
});
