// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {ISettlementCorrections as C} from "./interfaces/ISettlementCorrections.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Roles} from "./Roles.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "./Units.sol";
import {CappedFixture} from "./test/CappedFixture.t.sol";
import {Chunks, Result} from "./test/Chunks.t.sol";

/// @notice The operator's corrections of settled meter-intervals: the local energy stays, the difference
///         is grid energy at the interval's tariff, only the difference in money moves, and in a capped
///         neighbourhood the cost cap's month follows. HOOD's tariff (no VAT): grid 40 ct, so a Wh of
///         import is 400 µ€; feed-in 7.9 ct, so a Wh of export is 79 µ€.
contract SettlementCorrectionsTest is CappedFixture {
    string private constant REASON = "replacement value from the meter operator";

    /// Interval 7: meter 1 sells 1000 Wh to the pool; meters 2, 3, 4 import 600, 900, 50 Wh and take
    /// 387, 580 and 33 Wh of it (pro rata, cumulative rounding), the rest from the grid.
    bytes private shortage;
    /// Interval 8: meter 1 exports 1000 Wh, meter 2 imports 200 Wh: 200 Wh pool, 800 Wh feed-in.
    bytes private surplus;

    function setUp() public override {
        super.setUp();
        shortage = _settleRecorded(7, _proRataHeader(_all(), 1), 0, _all());
        bytes memory meters = _batch([uint32(0), 200, 0, 0], [uint32(1000), 0, 0, 0]);
        surplus = _settleRecorded(8, _proRataHeader(meters, 1), 0, meters);
    }

    function test_setUp_settledTheExamples() public view {
        _assertResult(shortage, 0, Result(1, 0, 1000, 0, 0, 0, 1000, 0, 250_000));
        // 387 Wh × 25 ct + 213 Wh × 40 ct; 580 × 25 + 320 × 40; 33 × 25 + 17 × 40.
        _assertResult(shortage, 1, Result(2, 600, 0, 0, 0, 387, 0, 181_950, 0));
        _assertResult(shortage, 2, Result(3, 900, 0, 0, 0, 580, 0, 273_000, 0));
        _assertResult(shortage, 3, Result(4, 50, 0, 0, 0, 33, 0, 15_050, 0));
        // 200 Wh × 25 ct + 800 Wh × 7.9 ct.
        _assertResult(surplus, 0, Result(1, 0, 1000, 0, 0, 0, 200, 0, 113_200));
    }

    // ---- corrections that go through ----

    function test_correctMeter_movesOnlyTheDifferenceBetweenOwnerAndTreasury() public {
        int256 ownerBefore = credit.positionOf(owners[1]);
        int256 treasuryBefore = credit.treasuryPosition();
        int256 money = _moneyInAccounts();
        // 100 Wh more import, from the grid at 40 ct.
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, 7, 2, 700, 0, 221_950, 0, -40_000, REASON);
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, REASON);

        assertEq(credit.positionOf(owners[1]) - ownerBefore, -40_000, "owner pays the difference");
        assertEq(credit.treasuryPosition() - treasuryBefore, 40_000, "treasury receives it");
        assertEq(_moneyInAccounts(), money, "money conserved");
        _assertCorrection(HOOD, 7, 2, C.Correction(700, 0, 221_950, 0, 1), "after the correction");
        // The original stays provable; other meters are not corrected.
        (, bytes32 resultsHash) = settlement.chunkOf(HOOD, 7, 0);
        assertEq(resultsHash, keccak256(shortage), "results hash unchanged");
        assertEq(corrections.correctionOf(HOOD, 7, 3).count, 0, "meter 3 never corrected");
        assertEq(corrections.correctionOf(HOOD, 8, 2).count, 0, "interval 8 never corrected");
    }

    /// Each correction is computed from the original and replaces the one before; money moves by the
    /// difference to the one before.
    function test_correctMeter_again_replacesTheFirstCorrection() public {
        int256 ownerBefore = credit.positionOf(owners[1]);
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, REASON);
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, 7, 2, 650, 0, 201_950, 0, 20_000, "second reading");
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 650, 0, "second reading");
        _assertCorrection(HOOD, 7, 2, C.Correction(650, 0, 201_950, 0, 2), "second correction");
        assertEq(credit.positionOf(owners[1]) - ownerBefore, -20_000, "owner pays for 50 Wh in all");
        // Back to the original figures: a third correction, and the owner is where it started.
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 600, 0, "original was right");
        _assertCorrection(HOOD, 7, 2, C.Correction(600, 0, 181_950, 0, 3), "third correction");
        assertEq(credit.positionOf(owners[1]), ownerBefore, "owner back where it started");
    }

    function test_correctMeter_lowerImport_refundsTheGridEnergy() public {
        int256 ownerBefore = credit.positionOf(owners[2]);
        int256 treasuryBefore = credit.treasuryPosition();
        // Down to what meter 3 bought in the pool: its 320 Wh of grid energy go.
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, 7, 3, 580, 0, 145_000, 0, 128_000, REASON);
        corrections.correctMeter(HOOD, 7, 0, shortage, 2, 580, 0, REASON);
        assertEq(credit.positionOf(owners[2]) - ownerBefore, 128_000, "owner refunded");
        assertEq(credit.treasuryPosition() - treasuryBefore, -128_000, "treasury refunds");
    }

    function test_correctMeter_export_upAndDown_paysFeedIn() public {
        int256 ownerBefore = credit.positionOf(owners[0]);
        // 300 Wh more export at 7.9 ct; import stays 0.
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, 8, 1, 0, 1300, 0, 136_900, 23_700, REASON);
        corrections.correctMeter(HOOD, 8, 0, surplus, 0, 0, 1300, REASON);
        // Down to what it sold in the pool: 800 Wh of feed-in go, from the original.
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, 8, 1, 0, 200, 0, 50_000, -86_900, REASON);
        corrections.correctMeter(HOOD, 8, 0, surplus, 0, 0, 200, REASON);
        assertEq(credit.positionOf(owners[0]) - ownerBefore, -63_200, "owner loses the feed-in");
        _assertCorrection(HOOD, 8, 1, C.Correction(0, 200, 0, 50_000, 2), "export corrected twice");
    }

    /// The energy bought and sold by power contract counts as local energy too.
    function test_correctMeter_keepsContractEnergyAsLocalEnergy() public {
        // Back to the fixture's clock, where _contract offers from NOW + 1 on.
        vm.warp(uint256(NOW) * 900);
        _contract(300);
        bytes memory meters = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 1200, 700, 700, 0);
        bytes memory results = _settleRecorded(NOW + 1, header, 0, meters);
        // Meter 2 bought 300 Wh by contract and 175 from the pool; meter 1 sold 300 and 700.
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionBelowLocalEnergy.selector, 2, "importWh", 474, 475));
        corrections.correctMeter(HOOD, NOW + 1, 0, results, 1, 474, 0, REASON);
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionBelowLocalEnergy.selector, 1, "exportWh", 999, 1000));
        corrections.correctMeter(HOOD, NOW + 1, 0, results, 0, 0, 999, REASON);
        // 125 Wh of grid energy go.
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(HOOD, NOW + 1, 2, 475, 0, 103_750, 0, 50_000, REASON);
        corrections.correctMeter(HOOD, NOW + 1, 0, results, 1, 475, 0, REASON);
    }

    /// In a capped neighbourhood the correction moves the meter's month sums: what it paid by the
    /// difference in debit, grid-only by the difference in grid-only cost, each rounded per value.
    function test_correctMeter_inACappedNeighbourhood_updatesTheMonth() public {
        bytes memory results = _settleCapped(
            APRIL_START,
            _cappedBatch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0])
        );
        // Meter 6: 600 Wh, 400 of them from the pool; paid 292,413, grid-only 185,789.
        _assertMonth(6, 292_413, 185_789, "as settled");
        // 1 Wh more: debit + floor(309.65) = 309, grid-only floor(601 × 309.65) − floor(600 × 309.65) = 310.
        corrections.correctMeter(CAPPED, APRIL_START, 0, results, 1, 601, 0, REASON);
        _assertCorrection(CAPPED, APRIL_START, 6, C.Correction(601, 0, 292_722, 0, 1), "601 Wh");
        _assertMonth(6, 292_722, 186_099, "after 601 Wh");
        // Down to 401 Wh, from the original: debit − floor(199 × 309.65) = 292,413 − 61,620.
        corrections.correctMeter(CAPPED, APRIL_START, 0, results, 1, 401, 0, REASON);
        _assertMonth(6, 230_793, 124_169, "after 401 Wh");
        // An export correction leaves the month alone: the cap is about what a meter pays.
        corrections.correctMeter(CAPPED, APRIL_START, 0, results, 0, 0, 1200, REASON);
        _assertMonth(5, 0, 0, "the seller");
        _assertMonth(7, 438_620, 278_684, "meter 7 untouched");

        // The close credits what meter 6 still paid above grid-only: 230,793 − 124,169.
        vm.warp(uint256(MAY_START) * 900);
        int256 before = credit.positionOf(cappedOwners[1]);
        uint32[] memory numbers = new uint32[](1);
        numbers[0] = 6;
        costCap.closeMonth(CAPPED, APRIL, numbers);
        assertEq(credit.positionOf(cappedOwners[1]) - before, 106_624, "credited after the correction");
    }

    // ---- refusals ----

    function test_correctMeter_revertsWhen_intervalNotSettled() public {
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionIntervalNotSettled.selector, HOOD, 9));
        corrections.correctMeter(HOOD, 9, 0, shortage, 1, 700, 0, REASON);
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionIntervalNotSettled.selector, CAPPED, 7));
        corrections.correctMeter(CAPPED, 7, 0, shortage, 1, 700, 0, REASON);
        // The first of two chunks is in: not final yet.
        (bytes memory first, ) = Chunks.split(_all(), 2);
        bytes memory results = _settleRecorded(10, _proRataHeader(_all(), 2), 0, first);
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionIntervalNotSettled.selector, HOOD, 10));
        corrections.correctMeter(HOOD, 10, 0, results, 1, 700, 0, REASON);
    }

    function test_correctMeter_revertsWhen_resultsAreNotTheChunks() public {
        bytes memory mismatch = abi.encodeWithSelector(C.CorrectionResultsMismatch.selector, HOOD, 7, 0);
        // A debit changed.
        bytes memory forged = bytes.concat(shortage);
        forged[44 + 35] = bytes1(uint8(forged[44 + 35]) ^ 1);
        vm.expectRevert(mismatch);
        corrections.correctMeter(HOOD, 7, 0, forged, 1, 700, 0, REASON);
        // One byte more, or the results of another interval.
        vm.expectRevert(mismatch);
        corrections.correctMeter(HOOD, 7, 0, bytes.concat(shortage, hex"00"), 1, 700, 0, REASON);
        vm.expectRevert(mismatch);
        corrections.correctMeter(HOOD, 7, 0, surplus, 1, 700, 0, REASON);
        // A chunk the interval does not have.
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionResultsMismatch.selector, HOOD, 7, 1));
        corrections.correctMeter(HOOD, 7, 1, shortage, 1, 700, 0, REASON);
    }

    function test_correctMeter_revertsWhen_positionBeyondTheChunk() public {
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionPositionInvalid.selector, 4, 4));
        corrections.correctMeter(HOOD, 7, 0, shortage, 4, 700, 0, REASON);
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionPositionInvalid.selector, type(uint256).max, 4));
        corrections.correctMeter(HOOD, 7, 0, shortage, type(uint256).max, 700, 0, REASON);
    }

    function test_correctMeter_revertsWhen_belowLocalEnergy() public {
        // Meter 2 bought 387 Wh in the pool.
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionBelowLocalEnergy.selector, 2, "importWh", 386, 387));
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 386, 0, REASON);
        // Meter 1 sold 1000 Wh in the pool.
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionBelowLocalEnergy.selector, 1, "exportWh", 0, 1000));
        corrections.correctMeter(HOOD, 7, 0, shortage, 0, 0, 0, REASON);
        // Exactly the local energy is allowed.
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 387, 0, REASON);
        assertEq(corrections.correctionOf(HOOD, 7, 2).debit, 96_750, "only the pool energy left to pay");
    }

    function test_correctMeter_revertsWhen_reasonMissing() public {
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionReasonMissing.selector));
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, "");
    }

    function test_correctMeter_revertsWhen_unchanged() public {
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionUnchanged.selector, 2));
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 600, 0, REASON);
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, REASON);
        vm.expectRevert(abi.encodeWithSelector(C.CorrectionUnchanged.selector, 2));
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, REASON);
        // Same import, other export: a change.
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 5, REASON);
        assertEq(corrections.correctionOf(HOOD, 7, 2).credit, 395, "5 Wh fed in at 7.9 ct");
    }

    function test_correctMeter_revertsWhen_callerIsNotOperator() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.OPERATOR)
        );
        vm.prank(STRANGER);
        corrections.correctMeter(HOOD, 7, 0, shortage, 1, 700, 0, REASON);
    }

    /// A change beyond int64 must revert, not wrap: under an absurd grid price of 10^15 µ€/kWh, 10 MWh
    /// more import raise the debit to 10^19 µ€; a wrapped change would credit the owner instead.
    function test_correctMeter_revertsWhen_changeExceedsInt64() public {
        registry.registerNeighbourhood(OTHER, IMeterRegistry.Neighbourhood(true, AllocationKey.ProRata, 0, 0, false));
        tariffs.setInitialTariff(OTHER, ITariffSchedule.Tariff(1e15, 0, 0, 0, 0, 0, 0, 0, 0), 0);
        registry.registerMeter(MeterId.wrap(keccak256("dear meter")), OTHER, owners[0]);
        uint32 number = uint32(2 * METERS + 1);
        bytes memory meters = Chunks.meter(number, 0, 0);
        vm.recordLogs();
        settlement.settleChunk(OTHER, 7, Chunks.proRataHeader(meters, 1, COMMITMENT), 0, meters);
        bytes memory results = Chunks.settled(vm.getRecordedLogs(), address(settlement))[0];
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, 64, int256(-1e19)));
        corrections.correctMeter(OTHER, 7, 0, results, 0, 10_000_000, 0, REASON);
    }

    // ---- fuzz ----

    /// Random energy in a capped April interval, then three random corrections: each moves exactly the
    /// difference between owner and treasury, computed from the original, and the meter's month holds
    /// its current debit and the grid-only cost of its current import.
    function testFuzz_correctMeter_movesExactlyTheDifference(uint256 seed) public {
        uint32[METERS] memory imports;
        uint32[METERS] memory exports;
        for (uint256 i; i < METERS; ++i) {
            imports[i] = uint32(bound(_random(seed, 0, i), 0, 5000));
            exports[i] = uint32(bound(_random(seed, 1, i), 0, 5000));
        }
        bytes memory results = _settleCapped(APRIL_START, _cappedBatch(imports, exports));
        int256 money = _cappedMoney();
        for (uint256 k; k < 3; ++k) {
            _correctAndCheck(
                results,
                _random(seed, 2, k) % METERS,
                uint32(bound(_random(seed, 3, k), 0, 3000)),
                uint32(bound(_random(seed, 4, k), 0, 3000))
            );
        }
        assertEq(_cappedMoney(), money, "money conserved");
    }

    // ---- helpers ----

    /// @dev Corrects the capped meter at `position` of `results` to its local energy plus the extras,
    ///      and checks the event, the record, the owner's position and the month.
    function _correctAndCheck(bytes memory results, uint256 position, uint32 extraImport, uint32 extraExport) private {
        Result memory original = Chunks.result(results, position);
        C.Correction memory current = corrections.correctionOf(CAPPED, APRIL_START, original.number);
        if (current.count == 0) {
            current = C.Correction(original.importWh, original.exportWh, original.debit, original.credit, 0);
        }
        C.Correction memory next = _expected(
            original,
            original.contractBoughtWh + original.poolBoughtWh + extraImport,
            original.contractSoldWh + original.poolSoldWh + extraExport
        );
        next.count = current.count + 1;
        if (next.importWh == current.importWh && next.exportWh == current.exportWh) {
            vm.expectRevert(abi.encodeWithSelector(C.CorrectionUnchanged.selector, original.number));
            corrections.correctMeter(CAPPED, APRIL_START, 0, results, position, next.importWh, next.exportWh, REASON);
            return;
        }
        int256 change = _net(next) - _net(current);
        address owner = cappedOwners[original.number - METERS - 1];
        int256 ownerBefore = credit.positionOf(owner);
        vm.expectEmit(address(corrections));
        emit C.MeterCorrected(
            CAPPED,
            APRIL_START,
            original.number,
            next.importWh,
            next.exportWh,
            next.debit,
            next.credit,
            change,
            REASON
        );
        corrections.correctMeter(CAPPED, APRIL_START, 0, results, position, next.importWh, next.exportWh, REASON);
        assertEq(credit.positionOf(owner) - ownerBefore, change, "owner's position");
        _assertCorrection(CAPPED, APRIL_START, original.number, next, "correction");
        _assertMonth(original.number, next.debit, _gridOnly(next.importWh), "month");
    }

    function _net(C.Correction memory c) private pure returns (int256) {
        return int256(uint256(c.credit)) - int256(uint256(c.debit));
    }

    /// @dev The four fixture meters of interval 7.
    function _all() private pure returns (bytes memory) {
        return _batch([uint32(0), 600, 900, 50], [uint32(1000), 0, 0, 0]);
    }

    /// @dev debit ± floor(|Δimport| × gridNet × (1 + VAT)), credit ± floor(|Δexport| × feedIn), under the
    ///      dear-pool tariff (feed-in 7.9 ct), from the original.
    function _expected(
        Result memory original,
        uint32 importWh,
        uint32 exportWh
    ) private pure returns (C.Correction memory c) {
        c.importWh = importWh;
        c.exportWh = exportWh;
        c.debit =
            importWh >= original.importWh
                ? original.debit + _gridOnly(importWh - original.importWh)
                : original.debit - _gridOnly(original.importWh - importWh);
        c.credit =
            exportWh >= original.exportWh
                ? original.credit + (exportWh - original.exportWh) * 79
                : original.credit - (original.exportWh - exportWh) * 79;
    }

    function _assertCorrection(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number,
        C.Correction memory expected,
        string memory what
    ) private view {
        C.Correction memory c = corrections.correctionOf(neighbourhood, interval, number);
        assertEq(c.importWh, expected.importWh, string.concat(what, ": importWh"));
        assertEq(c.exportWh, expected.exportWh, string.concat(what, ": exportWh"));
        assertEq(c.debit, expected.debit, string.concat(what, ": debit"));
        assertEq(c.credit, expected.credit, string.concat(what, ": credit"));
        assertEq(c.count, expected.count, string.concat(what, ": count"));
    }

    function _assertMonth(uint32 number, uint256 paid, uint256 gridOnly, string memory what) private view {
        ICostCap.MonthAccount memory a = costCap.monthAccountOf(CAPPED, APRIL, number);
        assertEq(a.paid, paid, string.concat(what, ": paid"));
        assertEq(a.gridOnly, gridOnly, string.concat(what, ": gridOnly"));
    }
}
