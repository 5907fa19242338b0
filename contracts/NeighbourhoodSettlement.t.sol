// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {Roles} from "./Roles.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract NeighbourhoodSettlementTest is Fixture {
    function test_settle_sharesThePoolProRataAndPricesTheRestAtGridTariffs() public {
        // Meter 0 exports 1000 Wh; meters 1 and 2 import 600 and 900 Wh: 1000 Wh are shared 400:600.
        _settle(7, _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]));

        // Seller: 1000 Wh × 25 ct = 0.25 €.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 250_000, "seller balance");
        // Buyer 1: 400 Wh pool × 25 ct + 200 Wh grid × 40 ct = 0.10 + 0.08 €.
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 180_000, "buyer 1 balance");
        // Buyer 2: 600 Wh pool × 25 ct + 300 Wh grid × 40 ct = 0.15 + 0.12 €.
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 270_000, "buyer 2 balance");
        assertEq(credit.balanceOf(owners[3]), TOP_UP, "idle meter balance");
        assertEq(credit.balanceOf(TREASURY), TREASURY_FLOAT + 200_000, "treasury receives grid energy");

        S.IntervalRecord memory record = settlement.intervalOf(HOOD, 7);
        assertEq(record.localWh, 1000, "local energy");
        assertEq(record.importWh, 1500, "imported energy");
        assertTrue(record.commitment == COMMITMENT, "commitment stored");
        assertTrue(settlement.isSettled(HOOD, 7), "settled");
    }

    function test_settle_paysSurplusAtFeedIn() public {
        // 1000 Wh exported, 200 Wh imported: 200 Wh pool at 25 ct, 800 Wh feed-in at 7.9 ct.
        _settle(1, _batch([uint64(0), 200, 0, 0], [uint64(1000), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 50_000 + 63_200, "seller balance");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 50_000, "buyer balance");
    }

    function test_settle_servesPowerContractsFirst() public {
        _contract(300);
        S.MeterEnergy[] memory batch = _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]);
        // After the contract (300 Wh): pool demand 300 + 900, supply 700, bought 175 + 525.
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 1200, 700, 700, 0);
        settlement.settleChunk(HOOD, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 60_000 + 175_000, "seller: contract + pool");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 153_750, "contract buyer");
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 281_250, "pool buyer");
    }

    function test_settle_keepsABuyerOutOfThePoolAboveItsPriceLimit() public {
        registry.setPreferences(meterIds[1], 200_000, 0);
        // The limit counts from the next interval on.
        vm.warp(uint256(NOW + 2) * 900);
        S.MeterEnergy[] memory batch = _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 900, 1000, 900, 0);
        settlement.settleChunk(HOOD, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 240_000, "all from the grid at 40 ct");
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 225_000, "all from the pool at 25 ct");
        // The seller sells 900 Wh to the pool and feeds in 100 Wh.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 225_000 + 7_900, "seller");
    }

    function test_settle_spreadsAnIntervalOverChunks_andIsFinalWithTheLast() public {
        S.MeterEnergy[] memory all = _batch([uint64(0), 600, 900, 50], [uint64(1000), 0, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        (S.MeterEnergy[] memory first, S.MeterEnergy[] memory second) = _split(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertTrue(!settlement.isSettled(HOOD, 7), "not final after the first chunk");
        uint256 balance = credit.balanceOf(owners[1]);
        // Resubmitting the same chunk is a no-op.
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertEq(credit.balanceOf(owners[1]), balance, "no double count");
        settlement.settleChunk(HOOD, 7, header, 1, second);
        assertTrue(settlement.isSettled(HOOD, 7), "final");
        assertEq(settlement.intervalOf(HOOD, 7).meterCount, 4, "meters");
        // And after the interval is final, too.
        settlement.settleChunk(HOOD, 7, header, 1, second);
        assertEq(credit.balanceOf(owners[1]), balance, "still no double count");
    }

    function test_settle_turnsAnUncoveredDebitIntoDebt_andPaysProducersInFull() public {
        // 200 kWh from the grid cost 80 €, more than the 50 € balance.
        _settle(1, _batch([uint64(0), 200_000, 0, 0], [uint64(100), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), 0, "balance emptied");
        uint256 debit = (100 * 250_000 + 199_900 * 400_000) / 1000;
        assertEq(credit.debtOf(owners[1]), debit - TOP_UP, "debt");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 25_000, "producer paid in full");
        // The next top-up repays the debt first.
        credit.topUp(owners[1], 100e6);
        assertEq(credit.debtOf(owners[1]), 0, "debt repaid");
        assertEq(credit.balanceOf(owners[1]), 100e6 - (debit - TOP_UP), "rest credited");
    }

    function test_settle_sharesByStaticShares() public {
        NeighbourhoodId shared = NeighbourhoodId.wrap(keccak256("static"));
        registry.registerNeighbourhood(shared, IMeterRegistry.Neighbourhood(true, AllocationKey.StaticShares, 0, 0));
        tariffs.setInitialTariff(shared, _simpleTariff(), 0);
        S.MeterEnergy[] memory batch = new S.MeterEnergy[](3);
        uint64[3] memory weights = [uint64(1), 1, 2];
        for (uint256 i; i < 3; ++i) {
            MeterId meter = MeterId.wrap(bytes32(100 + i));
            registry.registerMeter(meter, shared, owners[i]);
            registry.setShareWeight(meter, uint32(weights[i]));
            batch[i] = S.MeterEnergy(meter, i == 0 ? 0 : (i == 1 ? 100 : 900), i == 0 ? 1200 : 0);
        }
        // Supply 1200 by weights 1:1:2 → 300, 300, 600; the second meter needs only 100.
        S.BatchHeader memory header = S.BatchHeader(keccak256("s"), COMMITMENT, 1, 1000, 1200, 700, 4);
        vm.warp(uint256(NOW + 2) * 900);
        settlement.settleChunk(shared, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[2]), TOP_UP - (600 * 250_000 + 300 * 400_000) / 1000, "weight 2 buyer");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + (700 * 250_000 + 500 * 79_000) / 1000, "seller");
    }

    function test_settle_servesNothingOnAContractWhoseSellerHasNoExport() public {
        _contract(300);
        _settle(NOW + 1, _batch([uint64(0), 600, 0, 0], [uint64(0), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 240_000, "all from the grid");
    }

    function test_settleChunk_revertsWhen_chunkOutOfOrder() public {
        S.MeterEnergy[] memory all = _batch([uint64(0), 600, 900, 50], [uint64(1000), 0, 0, 0]);
        (, S.MeterEnergy[] memory second) = _split(all, 2);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementChunkOutOfOrder.selector, HOOD, 7, 0, 1));
        settlement.settleChunk(HOOD, 7, _proRataHeader(all, 2), 1, second);
    }

    function test_settleChunk_revertsWhen_headerChangesBetweenChunks() public {
        S.MeterEnergy[] memory all = _batch([uint64(0), 600, 900, 50], [uint64(1000), 0, 0, 0]);
        (S.MeterEnergy[] memory first, S.MeterEnergy[] memory second) = _split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        header.poolDemandWh += 1;
        vm.expectRevert(abi.encodeWithSelector(S.SettlementHeaderMismatch.selector, HOOD, 7));
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_settleChunk_revertsWhen_totalsDoNotAddUp() public {
        S.MeterEnergy[] memory batch = _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(batch, 1);
        header.poolDemandWh = 1600;
        vm.expectRevert(abi.encodeWithSelector(S.SettlementHeaderTotalsMismatch.selector, "poolDemandWh", 1600, 1500));
        settlement.settleChunk(HOOD, 7, header, 0, batch);
    }

    function test_settleChunk_revertsWhen_aChunkConflictsWithTheOneIn() public {
        S.MeterEnergy[] memory batch = _batch([uint64(1), 0, 0, 0], [uint64(0), 1, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(batch, 1);
        settlement.settleChunk(HOOD, 3, header, 0, batch);
        batch[0].importWh = 2;
        vm.expectRevert(abi.encodeWithSelector(S.SettlementChunkConflict.selector, HOOD, 3, 0));
        settlement.settleChunk(HOOD, 3, header, 0, batch);
    }

    function test_settle_revertsWhen_intervalAlreadySettledByAnotherBatch() public {
        _settle(3, _batch([uint64(1), 0, 0, 0], [uint64(0), 1, 0, 0]));
        S.MeterEnergy[] memory other = _batch([uint64(2), 0, 0, 0], [uint64(0), 2, 0, 0]);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalAlreadySettled.selector, HOOD, 3));
        _settle(3, other);
    }

    function test_settle_revertsWhen_intervalNotClosed() public {
        S.MeterEnergy[] memory batch = _batch([uint64(1), 0, 0, 0], [uint64(0), 1, 0, 0]);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalNotClosed.selector, HOOD, NOW, (NOW + 1) * 900));
        _settle(NOW, batch);
    }

    function test_settle_revertsWhen_metersNotAscending() public {
        S.MeterEnergy[] memory batch = _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]);
        (batch[1], batch[2]) = (batch[2], batch[1]);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMetersNotAscending.selector, 2, meterIds[1]));
        _settle(1, batch);
    }

    function test_settle_revertsWhen_meterRetired() public {
        registry.retireMeter(meterIds[3]);
        vm.warp(uint256(NOW + 2) * 900);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMeterInactive.selector, meterIds[3]));
        _settle(NOW + 1, _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]));
        // The interval in which it was retired still settles it.
        _settle(NOW, _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]));
    }

    function test_settle_usesThePriceLimitAsItWasWhenTheIntervalBegan() public {
        // A household changes its limit during interval NOW: NOW is settled without it.
        registry.setPreferences(meterIds[1], 200_000, 0);
        vm.warp(uint256(NOW + 1) * 900);
        _settle(NOW, _batch([uint64(0), 600, 900, 0], [uint64(1000), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 180_000, "still in the pool for NOW");
    }

    function test_settle_revertsWhen_meterUnknown() public {
        S.MeterEnergy[] memory batch = _batch([uint64(1), 2, 3, 4], [uint64(0), 0, 0, 0]);
        batch[3].meter = MeterId.wrap(bytes32(uint256(99)));
        vm.expectRevert();
        _settle(1, batch);
    }

    function test_settle_revertsWhen_callerIsNotTheBridge() public {
        S.MeterEnergy[] memory batch = _batch([uint64(1), 0, 0, 0], [uint64(0), 0, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(batch, 1);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.BRIDGE)
        );
        settlement.settleChunk(HOOD, 1, header, 0, batch);
    }

    function test_settle_revertsWhen_batchEmpty() public {
        S.MeterEnergy[] memory batch = new S.MeterEnergy[](0);
        vm.expectRevert(S.SettlementBatchEmpty.selector);
        settlement.settleChunk(HOOD, 1, _proRataHeader(batch, 1), 0, batch);
    }

    /// Money is only moved, never made or lost: the sum over all accounts stays the same.
    function testFuzz_settle_conservesMoney(uint64[METERS] memory imports, uint64[METERS] memory exports) public {
        for (uint256 i; i < METERS; ++i) {
            imports[i] = uint64(bound(imports[i], 0, 50_000));
            exports[i] = uint64(bound(exports[i], 0, 50_000));
        }
        uint256 supplyBefore = credit.totalSupply();
        uint256 inAccountsBefore = _moneyInAccounts();
        _settle(1, _batch(imports, exports));
        assertEq(credit.totalSupply(), supplyBefore, "settlement mints or burns nothing");
        assertEq(_moneyInAccounts(), inAccountsBefore, "all money stays in the accounts");
    }

    /// @dev An accepted contract from meter 0 to meter 1 at 20 ct from the next interval; the clock then
    ///      moves on so that interval can settle.
    function _contract(uint64 capWh) private {
        vm.prank(owners[0]);
        uint64 id = contracts.offer(meterIds[0], meterIds[1], 200_000, capWh, NOW + 1, NOW + 10);
        vm.prank(owners[1]);
        contracts.accept(id);
        vm.warp(uint256(NOW + 3) * 900);
    }

    function test_settleChunk_revertsWhen_aChunkIsAddedToAFinalInterval() public {
        S.MeterEnergy[] memory all = _batch([uint64(0), 600, 900, 50], [uint64(1000), 0, 0, 0]);
        (S.MeterEnergy[] memory first, S.MeterEnergy[] memory second) = _split(all, 2);
        S.BatchHeader memory header = _proRataHeader(first, 1);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalAlreadySettled.selector, HOOD, 7));
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_settleChunk_revertsWhen_chunkIndexBeyondTheHeadersCount() public {
        S.MeterEnergy[] memory batch = _batch([uint64(0), 600, 900, 50], [uint64(1000), 0, 0, 0]);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementChunkOutOfOrder.selector, HOOD, 7, 0, 1));
        settlement.settleChunk(HOOD, 7, _proRataHeader(batch, 1), 1, batch);
    }

    function _split(
        S.MeterEnergy[] memory all,
        uint256 at
    ) private pure returns (S.MeterEnergy[] memory first, S.MeterEnergy[] memory second) {
        first = new S.MeterEnergy[](at);
        second = new S.MeterEnergy[](all.length - at);
        for (uint256 i; i < all.length; ++i) {
            if (i < at) first[i] = all[i];
            else second[i - at] = all[i];
        }
    }
}
