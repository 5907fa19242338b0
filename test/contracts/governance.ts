/**
 * Governance as deployed by the Ignition module: the timelock holds every admin role, the deployer
 * keeps none, and no role can be granted or escalated without going through the timelock's delay.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, toBytes, zeroHash } from "viem";
import NachbarstromModule from "../../contracts/ignition/modules/Nachbarstrom.ts";

const role = (name: string) => keccak256(toBytes(`nachbarstrom.role.${name}`));

describe("governance of the deployed contracts", async () => {
  const { viem, ignition, networkHelpers } = await network.create();
  const [deployer, bridge, treasury, operator, multisig, treasurer] = await viem.getWalletClients();
  const delay = 3600n;
  const deployed = await ignition.deploy(NachbarstromModule, {
    parameters: {
      Nachbarstrom: {
        admin: multisig.account.address,
        operator: operator.account.address,
        treasurer: treasurer.account.address,
        bridge: bridge.account.address,
        treasury: treasury.account.address,
        adminDelaySeconds: delay,
      },
    },
  });
  const governed = [
    deployed.meterRegistry,
    deployed.creditToken,
    deployed.tariffSchedule,
    deployed.neighbourhoodSettlement,
  ] as const;

  it("gives every admin role to the timelock and none to the deployer", async () => {
    for (const contract of governed) {
      assert.equal(await contract.read.hasRole([zeroHash, deployed.timelock.address]), true);
      assert.equal(await contract.read.hasRole([zeroHash, deployer.account.address]), false);
      assert.equal(await contract.read.hasRole([zeroHash, multisig.account.address]), false);
    }
  });

  it("lets the settlement and its corrections, and only them, move credit", async () => {
    const credit = deployed.creditToken;
    assert.equal(await credit.read.hasRole([role("settlement"), deployed.neighbourhoodSettlement.address]), true);
    assert.equal(await credit.read.hasRole([role("settlement"), deployed.settlementCorrections.address]), true);
    assert.equal(await credit.read.hasRole([role("settlement"), operator.account.address]), false);
  });

  it("does not let the deployer, the operator or the bridge grant a role", async () => {
    for (const caller of [deployer, operator, bridge]) {
      await assert.rejects(
        deployed.neighbourhoodSettlement.write.grantRole([role("bridge"), caller.account.address], {
          account: caller.account,
        }),
        /AccessControlUnauthorizedAccount/,
      );
    }
  });

  it("takes two keys to mint: the operator registers, the treasurer tops up", async () => {
    // The operator registers an account of its own, but cannot mint credit to it …
    await deployed.meterRegistry.write.registerParticipant([operator.account.address], { account: operator.account });
    await assert.rejects(
      deployed.creditToken.write.topUp([operator.account.address, 1_000_000n], { account: operator.account }),
      /AccessControlUnauthorizedAccount/,
    );
    // … and the treasurer cannot register the account it would mint to.
    await assert.rejects(
      deployed.meterRegistry.write.registerParticipant([treasurer.account.address], { account: treasurer.account }),
      /AccessControlUnauthorizedAccount/,
    );
    await assert.rejects(
      deployed.creditToken.write.topUp([treasurer.account.address, 1_000_000n], { account: treasurer.account }),
      /CreditHolderNotRegistered/,
    );
  });

  it("grants a role through the timelock only after the delay", async () => {
    const timelock = deployed.timelock;
    const target = deployed.neighbourhoodSettlement.address;
    const { encodeFunctionData } = await import("viem");
    const data = encodeFunctionData({
      abi: deployed.neighbourhoodSettlement.abi,
      functionName: "grantRole",
      args: [role("bridge"), treasury.account.address],
    });
    const salt = keccak256(toBytes("new bridge"));
    await timelock.write.schedule([target, 0n, data, zeroHash, salt, delay], { account: multisig.account });
    await assert.rejects(
      timelock.write.execute([target, 0n, data, zeroHash, salt], { account: multisig.account }),
      /TimelockUnexpectedOperationState/,
    );
    await networkHelpers.time.increase(Number(delay));
    await timelock.write.execute([target, 0n, data, zeroHash, salt], { account: multisig.account });
    assert.equal(await deployed.neighbourhoodSettlement.read.hasRole([role("bridge"), treasury.account.address]), true);
  });
});
