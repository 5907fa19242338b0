import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { ContractFuture, IgnitionModuleBuilder } from "@nomicfoundation/ignition-core";
import { keccak256, toBytes } from "viem";

const ADMIN_ROLE = `0x${"00".repeat(32)}`;
const SETTLEMENT_ROLE = keccak256(toBytes("nachbarstrom.role.settlement"));

/**
 * Deploys the registry, the credit, the tariff schedule, the power contracts, the settlement, its
 * corrections and the cost cap; lets settlement, corrections and cost cap move credit; and hands the
 * admin role of every contract to a timelock whose proposer and executor is `admin` (the operators'
 * joint multisig in production). The deploying account keeps no role. Parameters: admin, operator,
 * treasurer (mints and burns; a key apart from the operator's in production), bridge and treasury
 * (addresses, required), adminDelaySeconds (default 2 days).
 */
export default buildModule("Nachbarstrom", (m) => {
  const admin = m.getParameter("admin", m.getAccount(0));
  const adminDelaySeconds = m.getParameter("adminDelaySeconds", 2n * 24n * 3600n);
  const timelock = m.contract("NachbarstromTimelock", [adminDelaySeconds, [admin], [admin]]);
  // A first version imports nothing: sealed at once, so no one can import into it later.
  return { ...deployVersion(m, timelock, { seal: true }), timelock };
});

/**
 * The seven contracts of one version, wired, with the admin role of each handed to `timelock` and the
 * deployer keeping none. `seal` puts them live at once (a first deployment); without it they stay fresh,
 * waiting for the timelock to bind them to the version they replace (Upgrade.ts, ADR 0009).
 */
export function deployVersion(m: IgnitionModuleBuilder, timelock: ContractFuture<string>, { seal }: { seal: boolean }) {
  const deployer = m.getAccount(0);
  const operator = m.getParameter("operator", m.getAccount(0));
  const treasurer = m.getParameter("treasurer", m.getAccount(0));
  // No defaults: Ignition checks a default's account exists, and a production deployer has one key.
  const bridge = m.getParameter<string>("bridge");
  const treasury = m.getParameter<string>("treasury");

  const meterRegistry = m.contract("MeterRegistry", [deployer, operator]);
  const creditToken = m.contract("CreditToken", [deployer, operator, treasurer, meterRegistry, treasury]);
  const tariffSchedule = m.contract("TariffSchedule", [deployer, operator, meterRegistry]);
  const powerContracts = m.contract("PowerContracts", [meterRegistry]);
  const costCap = m.contract("CostCap", [deployer, meterRegistry, tariffSchedule, creditToken]);
  const neighbourhoodSettlement = m.contract("NeighbourhoodSettlement", [
    deployer,
    bridge,
    meterRegistry,
    tariffSchedule,
    powerContracts,
    creditToken,
    costCap,
  ]);
  const settlementCorrections = m.contract("SettlementCorrections", [
    deployer,
    operator,
    meterRegistry,
    tariffSchedule,
    neighbourhoodSettlement,
    creditToken,
    costCap,
  ]);
  // Settlement, corrections and the cost cap move credit; settlement and corrections feed the cost cap.
  const wiring = [
    m.call(creditToken, "grantRole", [SETTLEMENT_ROLE, neighbourhoodSettlement]),
    m.call(creditToken, "grantRole", [SETTLEMENT_ROLE, settlementCorrections], { id: "credit_corrections" }),
    m.call(creditToken, "grantRole", [SETTLEMENT_ROLE, costCap], { id: "credit_costCap" }),
    m.call(costCap, "grantRole", [SETTLEMENT_ROLE, neighbourhoodSettlement], { id: "costCap_settlement" }),
    m.call(costCap, "grantRole", [SETTLEMENT_ROLE, settlementCorrections], { id: "costCap_corrections" }),
  ];

  const governed = {
    meterRegistry,
    creditToken,
    tariffSchedule,
    neighbourhoodSettlement,
    settlementCorrections,
    costCap,
  };
  // The power contracts' migration admin is the registry's: seal them while the deployer still is.
  const sealed = seal
    ? Object.entries({ ...governed, powerContracts }).map(([name, contract]) =>
        m.call(contract, "goLive", [], { id: `${name}_goLive` }),
      )
    : [];
  for (const [name, contract] of Object.entries(governed)) {
    const granted = m.call(contract, "grantRole", [ADMIN_ROLE, timelock], { id: `${name}_grantAdminToTimelock` });
    m.call(contract, "renounceRole", [ADMIN_ROLE, deployer], {
      id: `${name}_deployerRenouncesAdmin`,
      after: [granted, ...wiring, ...sealed],
    });
  }

  return {
    meterRegistry,
    creditToken,
    tariffSchedule,
    powerContracts,
    neighbourhoodSettlement,
    settlementCorrections,
    costCap,
  };
}
