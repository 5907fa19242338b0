// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Roles} from "./Roles.sol";
import {MeterId} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";
import {SettlementHandler} from "./test/SettlementHandler.t.sol";

/// @notice Invariants of money under random sequences of top-ups, pay-outs and settlements.
contract NeighbourhoodSettlementInvariantTest is Fixture {
    SettlementHandler private handler;
    uint256 private supplyAtStart;

    function setUp() public override {
        super.setUp();
        MeterId[] memory ids = new MeterId[](METERS);
        address[] memory accounts = new address[](METERS);
        for (uint256 i; i < METERS; ++i) (ids[i], accounts[i]) = (meterIds[i], owners[i]);
        handler = new SettlementHandler(credit, settlement, HOOD, ids, accounts);
        credit.grantRole(Roles.OPERATOR, address(handler));
        settlement.grantRole(Roles.BRIDGE, address(handler));
        supplyAtStart = credit.totalSupply();
    }

    /// @notice Only the handler is called by the invariant fuzzer.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice The handler's actions work, so the invariants below are not met vacuously.
    function test_handler_settlesTopsUpAndPaysOut() public {
        handler.settle(1);
        assertTrue(settlement.isSettled(HOOD, 1), "settled");
        handler.topUp(0, 5e6);
        handler.payOut(0, 1e6);
        assertEq(handler.toppedUp(), 5e6, "topped up");
        handler.settleAgain(0, 7);
        assertTrue(!handler.settledTwice(), "second settlement refused");
    }

    function invariant_totalSupplyEqualsEuroReserve() public view {
        assertEq(credit.totalSupply(), supplyAtStart + handler.toppedUp() - handler.paidOut(), "supply = reserve");
    }

    function invariant_onlyParticipantsHoldCredit() public view {
        assertEq(_moneyInAccounts(), credit.totalSupply(), "households and treasury hold all credit");
        assertEq(credit.balanceOf(STRANGER), 0, "no stranger holds credit");
        assertEq(credit.balanceOf(address(handler)), 0, "the operator holds no credit");
    }

    function invariant_anIntervalSettlesOnce() public view {
        assertTrue(!handler.settledTwice(), "no interval settled twice");
    }
}
