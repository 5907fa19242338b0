// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Roles} from "./Roles.sol";
import {MeterId} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";
import {SettlementHandler} from "./test/SettlementHandler.t.sol";

/// @notice Invariants of money and energy under random sequences of top-ups, pay-outs and
///         settlements in one or two chunks, with a power contract between meters 1 and 2.
contract NeighbourhoodSettlementInvariantTest is Fixture {
    /// @dev Meters 1–4 of the fixture, meter 5 of the first owner too, and meter 6 that no batch holds.
    uint256 private constant BATCH_METERS = METERS + 1;
    uint32 private constant SPARE = uint32(METERS + 2);
    uint64 private constant FIRST = NOW + 1;

    SettlementHandler private handler;
    int256 private issuedAtStart;

    function setUp() public override {
        super.setUp();
        registry.registerMeter(MeterId.wrap(bytes32(BATCH_METERS)), HOOD, owners[0]);
        registry.registerMeter(MeterId.wrap(bytes32(uint256(SPARE))), HOOD, owners[1]);
        // 2 kWh per interval from meter 1 to meter 2, for as long as the runs go.
        vm.prank(owners[0]);
        uint64 id = contracts.offer(meterIds[0], meterIds[1], 200_000, 2000, FIRST, FIRST + 1_000_000);
        vm.prank(owners[1]);
        contracts.accept(id);
        vm.warp(uint256(FIRST + 1_000_000) * 900);

        address[] memory meterOwners = new address[](BATCH_METERS);
        for (uint256 i; i < METERS; ++i) meterOwners[i] = owners[i];
        meterOwners[METERS] = owners[0];
        handler = new SettlementHandler(
            credit,
            settlement,
            HOOD,
            meterOwners,
            SettlementHandler.Terms(1, 2, 2000),
            SPARE,
            FIRST
        );
        credit.grantRole(Roles.TREASURER, address(handler));
        settlement.grantRole(Roles.BRIDGE, address(handler));
        issuedAtStart = _issued();
    }

    /// @notice Only the handler is called by the invariant fuzzer.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's actions work, so the invariants below are not met vacuously: one and two
    ///         chunks, a treasury below zero, every refusal for the right reason.
    function test_handler_settlesTopsUpAndPaysOut() public {
        handler.settle(3);
        handler.settle(1);
        assertTrue(settlement.isSettled(HOOD, FIRST) && settlement.isSettled(HOOD, FIRST + 1), "settled");
        assertEq(settlement.intervalOf(HOOD, FIRST).chunkCount, 1, "seed 3: one chunk");
        assertEq(settlement.intervalOf(HOOD, FIRST + 1).chunkCount, 2, "seed 1: two chunks");
        for (uint256 seed = 20; seed < 30; ++seed) handler.settle(seed);
        assertTrue(handler.ghost().contractWh > 0 && handler.ghost().poolWh > 0, "contract and pool served");
        handler.topUp(0, 5e6);
        handler.payOut(0, 1e6);
        assertEq(handler.ghost().toppedUp, 5e6, "topped up");
        // The treasury pays out all it has, until a settlement runs it below zero.
        for (uint256 seed = 10; credit.treasuryPosition() >= 0 && seed < 60; ++seed) {
            handler.payOut(METERS, credit.balanceOf(TREASURY));
            handler.settle(seed);
        }
        assertTrue(credit.treasuryPosition() < 0, "treasury below zero");
        handler.resubmit();
        handler.settleAgain(0, 7);
        handler.settleBeyondLast(7);
        assertTrue(!handler.settledTwice() && !handler.refusedForAnotherReason(), "refused, for the right reason");
        invariant_positionsAddUpToWhatWasIssued();
        invariant_positionsFollowTheResults();
        invariant_treasuryTakesTheOppositeOfEverySettlement();
        invariant_energyStaysWithinWhatWasMetered();
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_positionsAddUpToWhatWasIssued() public view {
        SettlementHandler.Ghost memory ghost = handler.ghost();
        int256 expected = issuedAtStart + int256(ghost.toppedUp) - int256(ghost.paidOut);
        assertEq(_issued(), expected, "issued = topped up - paid out");
        assertEq(_moneyInAccounts(), expected, "positions, the treasury's included, = issued");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_positionsFollowTheResults() public view {
        for (uint256 i; i < METERS; ++i) {
            assertEq(credit.positionOf(owners[i]), handler.expectedPosition(owners[i]), "owner position");
        }
        assertEq(credit.treasuryPosition(), handler.expectedPosition(TREASURY), "treasury position");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_treasuryTakesTheOppositeOfEverySettlement() public view {
        assertTrue(!handler.moneyBroken(), "each settlement: sum(credit - debit) = -treasury change");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_energyStaysWithinWhatWasMetered() public view {
        assertTrue(!handler.energyBroken(), "local energy within metered, bought = sold");
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_onlyParticipantsHoldCredit() public view {
        assertEq(credit.balanceOf(STRANGER), 0, "no stranger holds credit");
        assertEq(credit.balanceOf(address(handler)), 0, "the operator holds no credit");
        for (uint256 i; i < METERS; ++i) {
            assertTrue(credit.balanceOf(owners[i]) == 0 || credit.debtOf(owners[i]) == 0, "balance or debt");
        }
    }

    /// hardhat-config: invariant.failOnRevert = true
    function invariant_anIntervalSettlesOnce() public view {
        assertTrue(!handler.settledTwice(), "no interval settled twice, no chunk beyond the last");
        assertTrue(!handler.refusedForAnotherReason(), "refused as already settled");
    }
}
