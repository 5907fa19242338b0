// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {PoolAllocation} from "./PoolAllocation.sol";
import {Roles} from "./Roles.sol";
import {MeterId} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract NeighbourhoodSettlementTest is Fixture {
    bytes32 private constant COMMITMENT = keccak256("raw readings");

    function test_settle_sharesThePoolProRataAndPricesTheRestAtGridTariffs() public {
        // Meter 0 exports 1000 Wh; meters 1 and 2 import 600 and 900 Wh: 1000 Wh are shared 400:600.
        settlement.settle(HOOD, 7, COMMITMENT, _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]));

        // Seller: 1000 Wh × 25 ct = 0.25 €.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 250_000, "seller balance");
        // Buyer 1: 400 Wh local × 25 ct + 200 Wh grid × 40 ct = 0.10 + 0.08 €.
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 180_000, "buyer 1 balance");
        // Buyer 2: 600 Wh local × 25 ct + 300 Wh grid × 40 ct = 0.15 + 0.12 €.
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 270_000, "buyer 2 balance");
        assertEq(credit.balanceOf(owners[3]), TOP_UP, "idle meter balance");
        assertEq(credit.balanceOf(TREASURY), TREASURY_FLOAT + 200_000, "treasury receives grid energy");

        INeighbourhoodSettlement.IntervalRecord memory record = settlement.intervalOf(HOOD, 7);
        assertEq(record.localWh, 1000, "local energy");
        assertEq(record.importWh, 1500, "imported energy");
        assertTrue(record.commitment == COMMITMENT, "commitment stored");
        (uint64 last, bool any) = settlement.lastSettled(HOOD);
        assertTrue(any && last == 7, "last settled interval");
    }

    function test_settle_paysSurplusAtFeedIn() public {
        // 1000 Wh exported, 200 Wh imported: 200 Wh local at 25 ct, 800 Wh feed-in at 7.9 ct.
        settlement.settle(HOOD, 1, COMMITMENT, _batch([uint64(0), 200, 0, 0], [uint64(1000), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 50_000 + 63_200, "seller balance");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 50_000, "buyer balance");
    }

    function test_settle_turnsAnUncoveredDebitIntoDebt_andPaysProducersInFull() public {
        // 200 kWh from the grid cost 80 €, more than the 50 € balance.
        settlement.settle(HOOD, 1, COMMITMENT, _batch([uint64(0), 200_000, 0, 0], [uint64(100), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), 0, "balance emptied");
        uint256 debit = (100 * 250_000 + 199_900 * 400_000) / 1000;
        assertEq(credit.debtOf(owners[1]), debit - TOP_UP, "debt");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 25_000, "producer paid in full");
        // The next top-up repays the debt first.
        credit.topUp(owners[1], 100e6);
        assertEq(credit.debtOf(owners[1]), 0, "debt repaid");
        assertEq(credit.balanceOf(owners[1]), 100e6 - (debit - TOP_UP), "rest credited");
    }

    function test_settle_revertsWhen_intervalAlreadySettled() public {
        settlement.settle(HOOD, 3, COMMITMENT, _batch([uint64(1), 0, 0, 0], [uint64(0), 1, 0, 0]));
        vm.expectRevert(
            abi.encodeWithSelector(INeighbourhoodSettlement.SettlementIntervalAlreadySettled.selector, HOOD, 3)
        );
        settlement.settle(HOOD, 3, COMMITMENT, _batch([uint64(1), 0, 0, 0], [uint64(0), 1, 0, 0]));
    }

    function test_settle_revertsWhen_metersNotAscending() public {
        INeighbourhoodSettlement.MeterEnergy[] memory batch = _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]);
        (batch[1], batch[2]) = (batch[2], batch[1]);
        vm.expectRevert(
            abi.encodeWithSelector(INeighbourhoodSettlement.SettlementMetersNotAscending.selector, 2, meterIds[1])
        );
        settlement.settle(HOOD, 1, COMMITMENT, batch);
    }

    function test_settle_revertsWhen_meterUnknown() public {
        INeighbourhoodSettlement.MeterEnergy[] memory batch = _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]);
        batch[3].meter = MeterId.wrap(bytes32(uint256(99)));
        vm.expectRevert();
        settlement.settle(HOOD, 1, COMMITMENT, batch);
    }

    function test_settle_revertsWhen_callerIsNotTheBridge() public {
        INeighbourhoodSettlement.MeterEnergy[] memory batch = _batch([uint64(1), 0, 0, 0], [uint64(0), 0, 0, 0]);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.BRIDGE)
        );
        settlement.settle(HOOD, 1, COMMITMENT, batch);
    }

    function test_settle_revertsWhen_batchEmpty() public {
        vm.expectRevert(INeighbourhoodSettlement.SettlementBatchEmpty.selector);
        settlement.settle(HOOD, 1, COMMITMENT, new INeighbourhoodSettlement.MeterEnergy[](0));
    }

    /// Money is only moved, never made or lost: the sum over all accounts plus debts grows by nothing.
    function testFuzz_settle_conservesMoney(uint64[METERS] memory imports, uint64[METERS] memory exports) public {
        for (uint256 i; i < METERS; ++i) {
            imports[i] = uint64(bound(imports[i], 0, 50_000));
            exports[i] = uint64(bound(exports[i], 0, 50_000));
        }
        uint256 supplyBefore = credit.totalSupply();
        uint256 inAccountsBefore = _moneyInAccounts();
        settlement.settle(HOOD, 1, COMMITMENT, _batch(imports, exports));
        assertEq(credit.totalSupply(), supplyBefore, "settlement mints or burns nothing");
        assertEq(_moneyInAccounts(), inAccountsBefore, "all money stays in the accounts");
    }

    /// The pool hands out exactly the local energy, no meter more than it metered.
    function testFuzz_allocate_sumsToLocalAndRespectsEachAmount(
        uint64[METERS] memory amounts,
        uint64 local
    ) public pure {
        uint64[] memory list = new uint64[](METERS);
        uint64 total;
        for (uint256 i; i < METERS; ++i) {
            list[i] = uint64(bound(amounts[i], 0, 1e12));
            total += list[i];
        }
        local = uint64(bound(local, 0, total));
        uint64[] memory shares = PoolAllocation.allocate(list, total, local);
        uint64 given;
        for (uint256 i; i < METERS; ++i) {
            assertTrue(shares[i] <= list[i], "share within amount");
            given += shares[i];
        }
        assertEq(given, local, "shares sum to the local energy");
    }
}
