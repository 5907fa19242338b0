// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "./Units.sol";
import {Chunks} from "./test/Chunks.t.sol";
import {Fixture} from "./test/Fixture.t.sol";

/// @notice How one interval is priced and paid: pool, contracts, grid, price limits, the ledger.
///         Chunks: NeighbourhoodSettlement.chunks.t.sol; refusals: NeighbourhoodSettlement.reverts.t.sol.
contract NeighbourhoodSettlementTest is Fixture {
    function test_settle_sharesThePoolProRataAndPricesTheRestAtGridTariffs() public {
        // Meter 0 exports 1000 Wh; meters 1 and 2 import 600 and 900 Wh: 1000 Wh are shared 400:600.
        _settle(7, _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]));

        // Seller: 1000 Wh × 25 ct = 0.25 €.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 250_000, "seller balance");
        // Buyer 1: 400 Wh pool × 25 ct + 200 Wh grid × 40 ct = 0.10 + 0.08 €.
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 180_000, "buyer 1 balance");
        // Buyer 2: 600 Wh pool × 25 ct + 300 Wh grid × 40 ct = 0.15 + 0.12 €.
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 270_000, "buyer 2 balance");
        assertEq(credit.balanceOf(owners[3]), TOP_UP, "idle meter balance");
        assertEq(credit.treasuryPosition(), int256(TREASURY_FLOAT + 200_000), "treasury receives grid energy");

        S.IntervalRecord memory record = settlement.intervalOf(HOOD, 7);
        assertEq(record.localWh, 1000, "local energy");
        assertEq(record.importWh, 1500, "imported energy");
        assertEq(record.exportWh, 1000, "exported energy");
        assertEq(record.meterCount, METERS, "meters");
        assertEq(record.poolBoughtWh, 1000, "pool bought");
        assertEq(record.settledAt, block.timestamp, "settled at");
        assertEq(record.commitment, COMMITMENT, "commitment stored");
        assertTrue(settlement.isSettled(HOOD, 7), "settled");
        assertTrue(!settlement.isSettled(HOOD, 8), "another interval is not");
    }

    function test_settle_paysSurplusAtFeedIn() public {
        // 1000 Wh exported, 200 Wh imported: 200 Wh pool at 25 ct, 800 Wh feed-in at 7.9 ct.
        _settle(1, _batch([uint32(0), 200, 0, 0], [uint32(1000), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 50_000 + 63_200, "seller balance");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 50_000, "buyer balance");
    }

    function test_settle_emitsIntervalSettledWithTheTotals() public {
        bytes memory meters = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(meters, 1);
        vm.expectEmit(address(settlement));
        emit S.IntervalSettled(HOOD, 7, COMMITMENT, header.batchKey, 4, 1500, 1000, 1000);
        settlement.settleChunk(HOOD, 7, header, 0, meters);
    }

    function test_settle_servesPowerContractsFirst() public {
        _contract(300);
        bytes memory batch = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        // After the contract (300 Wh): pool demand 300 + 900, supply 700, bought 175 + 525.
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 1200, 700, 700, 0);
        settlement.settleChunk(HOOD, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 60_000 + 175_000, "seller: contract + pool");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 153_750, "contract buyer");
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 281_250, "pool buyer");
        assertEq(settlement.intervalOf(HOOD, NOW + 1).localWh, 1000, "contract and pool are local");
    }

    function test_settle_servesNothingOnAContractWhoseSellerHasNoExport() public {
        _contract(300);
        _settle(NOW + 1, _batch([uint32(0), 600, 0, 0], [uint32(0), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 240_000, "all from the grid");
    }

    function test_settle_keepsABuyerOutOfThePoolAboveItsPriceLimit() public {
        registry.setPreferences(meterIds[1], 200_000, 0);
        // The limit counts from the next interval on.
        vm.warp(uint256(NOW + 2) * 900);
        bytes memory batch = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 900, 1000, 900, 0);
        settlement.settleChunk(HOOD, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 240_000, "all from the grid at 40 ct");
        assertEq(credit.balanceOf(owners[2]), TOP_UP - 225_000, "all from the pool at 25 ct");
        // The seller sells 900 Wh to the pool and feeds in 100 Wh.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 225_000 + 7_900, "seller");
    }

    function test_settle_keepsASellerOutOfThePoolBelowItsPriceLimit() public {
        registry.setPreferences(meterIds[0], 0, 250_001);
        vm.warp(uint256(NOW + 2) * 900);
        bytes memory batch = _batch([uint32(0), 600, 0, 0], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 600, 0, 0, 0);
        settlement.settleChunk(HOOD, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 79_000, "all fed in at 7.9 ct");
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 240_000, "all from the grid");
    }

    function test_settle_usesThePriceLimitAsItWasWhenTheIntervalBegan() public {
        // A household changes its limit during interval NOW: NOW is settled without it.
        registry.setPreferences(meterIds[1], 200_000, 0);
        vm.warp(uint256(NOW + 1) * 900);
        _settle(NOW, _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 180_000, "still in the pool for NOW");
    }

    function test_settle_sharesByStaticShares() public {
        NeighbourhoodId shared = NeighbourhoodId.wrap(keccak256("static"));
        registry.registerNeighbourhood(shared, _config(AllocationKey.StaticShares, 0, 0));
        tariffs.setInitialTariff(shared, _simpleTariff(), 0);
        bytes memory batch;
        uint32[3] memory weights = [uint32(1), 1, 2];
        for (uint256 i; i < 3; ++i) {
            MeterId meter = MeterId.wrap(bytes32(100 + i));
            registry.registerMeter(meter, shared, owners[i]);
            registry.setShareWeight(meter, weights[i]);
            // Numbers METERS + 1.. in this second neighbourhood.
            uint32 importWh = i == 0 ? 0 : (i == 1 ? 100 : 900);
            batch = bytes.concat(batch, Chunks.meter(uint32(METERS + 1 + i), importWh, i == 0 ? 1200 : 0));
        }
        // Supply 1200 by weights 1:1:2 → 300, 300, 600; the second meter needs only 100.
        S.BatchHeader memory header = S.BatchHeader(keccak256("s"), COMMITMENT, 1, 1000, 1200, 700, 4);
        vm.warp(uint256(NOW + 2) * 900);
        settlement.settleChunk(shared, NOW + 1, header, 0, batch);
        assertEq(credit.balanceOf(owners[2]), TOP_UP - (600 * 250_000 + 300 * 400_000) / 1000, "weight 2 buyer");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + (700 * 250_000 + 500 * 79_000) / 1000, "seller");
    }

    function test_settle_creditsAnOwnerOfTwoMetersForBoth() public {
        // Meter number 5 belongs to the first owner too: account 1 changes twice, across ledger slots.
        registry.registerMeter(MeterId.wrap(bytes32(uint256(5))), HOOD, owners[0]);
        bytes memory meters = bytes.concat(
            _batch([uint32(0), 0, 0, 1000], [uint32(400), 0, 0, 0]),
            Chunks.meter(5, 0, 600)
        );
        _settle(1, meters);
        // 1000 Wh from the pool at 25 ct, sold by the owner's two meters.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 250_000, "both meters credited");
        assertEq(credit.balanceOf(owners[3]), TOP_UP - 250_000, "buyer");
    }

    function test_settle_turnsAnUncoveredDebitIntoDebt_andPaysProducersInFull() public {
        // 200 kWh from the grid cost 80 €, more than the 50 € balance.
        _settle(1, _batch([uint32(0), 200_000, 0, 0], [uint32(100), 0, 0, 0]));
        uint256 debit = (100 * 250_000 + 199_900 * 400_000) / 1000;
        assertEq(credit.positionOf(owners[1]), int256(TOP_UP) - int256(debit), "negative position");
        assertEq(credit.balanceOf(owners[1]), 0, "no balance while in debt");
        assertEq(credit.debtOf(owners[1]), debit - TOP_UP, "debt");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 25_000, "producer paid in full");
        // The next top-up repays the debt first.
        vm.expectEmit(address(credit));
        emit ICreditToken.ToppedUp(owners[1], 100e6, debit - TOP_UP);
        credit.topUp(owners[1], 100e6);
        assertEq(credit.debtOf(owners[1]), 0, "debt repaid");
        assertEq(credit.balanceOf(owners[1]), 100e6 - (debit - TOP_UP), "rest credited");
    }

    function test_settle_paysProducersInFull_whenTheTreasuryGoesNegative() public {
        // The utility has paid its float out: producers' pay is now advanced.
        credit.payOut(TREASURY, TREASURY_FLOAT);
        int256 issuedBefore = _issued();
        _settle(1, _batch([uint32(0), 0, 0, 0], [uint32(50_000), 10_000, 0, 0]));
        // 60 kWh fed in at 7.9 ct: 3.95 € and 0.79 €.
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 3_950_000, "first producer paid in full");
        assertEq(credit.balanceOf(owners[1]), TOP_UP + 790_000, "second producer paid in full");
        assertEq(credit.treasuryPosition(), -4_740_000, "treasury advances the pay");
        assertEq(credit.balanceOf(TREASURY), 0, "no treasury balance while negative");
        assertEq(_issued(), issuedBefore, "settlement issues nothing");
        assertEq(_moneyInAccounts(), issuedBefore, "positions add up to what was issued");
        // A top-up of the treasury brings it back.
        credit.topUp(TREASURY, 5e6);
        assertEq(credit.treasuryPosition(), 260_000, "treasury back above zero");
    }

    /// Money is only moved, never made or lost: the positions, the treasury's included, add up to
    /// what was issued, before and after.
    function testFuzz_settle_conservesMoney(uint32[METERS] memory imports, uint32[METERS] memory exports) public {
        for (uint256 i; i < METERS; ++i) {
            imports[i] = uint32(bound(imports[i], 0, 500_000));
            exports[i] = uint32(bound(exports[i], 0, 500_000));
        }
        int256 issuedBefore = _issued();
        _settle(1, _batch(imports, exports));
        assertEq(_issued(), issuedBefore, "settlement mints or burns nothing");
        assertEq(_moneyInAccounts(), issuedBefore, "all money stays in the positions");
    }
}
