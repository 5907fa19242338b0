// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {Roles} from "./Roles.sol";
import {CappedFixture} from "./test/CappedFixture.t.sol";
import {Chunks, Result} from "./test/Chunks.t.sol";
import {Vm} from "./test/TestBase.t.sol";

/// @notice The cost cap: month sums per meter (Σ debit, Σ grid-only cost, two meters to a slot) and the
///         close that credits what a meter paid above grid-only supply. Recorded here by the test
///         contract, which holds the settlement role; settled through NeighbourhoodSettlement at the end.
contract CostCapTest is CappedFixture {
    /// Meters 6 and 7 share a slot (number >> 1 = 3); 5 shares slot 2 with HOOD's meter 4, 8 slot 4 with
    /// meter 9, which does not exist.
    uint32 private constant SELLER = 5;
    uint32 private constant EVEN = 6;
    uint32 private constant ODD = 7;
    uint32 private constant THRIFTY = 8;
    /// The hand-computed example: seller 1000 Wh; meters 6 and 7 import 600 and 900 Wh and take 400 and
    /// 600 Wh from the pool; 6 pays (400 × 48.421 + 200 × 26.021 ct) × 1.19, grid-only 600 × 26.021 × 1.19.
    uint64 private constant PAID_6 = 292_413;
    uint64 private constant GRID_ONLY_6 = 185_789;
    uint64 private constant PAID_7 = 438_620;
    uint64 private constant GRID_ONLY_7 = 278_684;

    function setUp() public override {
        super.setUp();
        costCap.grantRole(Roles.SETTLEMENT, address(this));
    }

    // ---- recordChunk ----

    function test_recordChunk_addsDebitAndGridOnlyCostPerMeterAndMonth() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        costCap.recordChunk(CAPPED, APRIL_START + 1, bytes.concat(_line(EVEN, 100, 50_000), _line(THRIFTY, 1, 1)));
        costCap.recordChunk(CAPPED, MAY_START, _line(EVEN, 1000, 7));

        _assertAccount(APRIL, SELLER, 0, 0, 0, "April, seller");
        _assertAccount(APRIL, EVEN, PAID_6 + 50_000, GRID_ONLY_6 + 30_964, 0, "April, meter 6");
        _assertAccount(APRIL, ODD, PAID_7, GRID_ONLY_7, 0, "April, meter 7");
        _assertAccount(APRIL, THRIFTY, 185_001, GRID_ONLY_6 + 309, 0, "April, meter 8");
        _assertAccount(MAY, EVEN, 7, _gridOnly(1000), 0, "May, meter 6");
        _assertAccount(MAY, ODD, 0, 0, 0, "May, meter 7");
        // Another neighbourhood's month is another account.
        ICostCap.MonthAccount memory other = costCap.monthAccountOf(HOOD, APRIL, EVEN);
        assertEq(other.paid + other.gridOnly, 0, "HOOD's April");
    }

    /// Grid-only cost is rounded down per interval, as a debit would be: 2 × floor(309.65), not 619.
    function test_recordChunk_roundsGridOnlyCostDownPerInterval() public {
        costCap.recordChunk(CAPPED, APRIL_START, _line(EVEN, 1, 0));
        costCap.recordChunk(CAPPED, APRIL_START + 1, _line(EVEN, 1, 0));
        assertEq(_gridOnly(2), 619, "grid-only of 2 Wh at once");
        _assertAccount(APRIL, EVEN, 0, 618, 0, "two intervals of 1 Wh");
    }

    function test_recordChunk_keepsTheTwoMetersOfASlotApart() public {
        // The even meter's lanes full to the last bit, the odd one's small, in one chunk.
        uint32 maxImport = type(uint32).max;
        costCap.recordChunk(
            CAPPED,
            APRIL_START,
            bytes.concat(_line(EVEN, maxImport, type(uint64).max), _line(ODD, 3, 5))
        );
        _assertAccount(APRIL, EVEN, type(uint64).max, _gridOnly(maxImport), 0, "even meter, full");
        _assertAccount(APRIL, ODD, 5, _gridOnly(3), 0, "odd meter");
        // The odd meter alone, then the even one alone: neither touches the other.
        costCap.recordChunk(CAPPED, APRIL_START + 1, _line(ODD, 10, 20));
        _assertAccount(APRIL, EVEN, type(uint64).max, _gridOnly(maxImport), 0, "even meter, unchanged");
        _assertAccount(APRIL, ODD, 25, _gridOnly(3) + _gridOnly(10), 0, "odd meter, added");
        costCap.recordChunk(CAPPED, APRIL_START + 2, _line(EVEN, 0, 0));
        _assertAccount(APRIL, ODD, 25, _gridOnly(3) + _gridOnly(10), 0, "odd meter, unchanged");
    }

    function test_recordChunk_writesEachSlotOfAChunkWithGaps() public {
        // Slots 0 (meter 1), 2 (5), 3 (6, 7), 4 (8) and 50 (101) in one chunk.
        costCap.recordChunk(CAPPED, APRIL_START, bytes.concat(_line(1, 4, 40), _example(), _line(101, 2, 20)));
        _assertAccount(APRIL, 1, 40, _gridOnly(4), 0, "meter 1");
        _assertAccount(APRIL, EVEN, PAID_6, GRID_ONLY_6, 0, "meter 6");
        _assertAccount(APRIL, ODD, PAID_7, GRID_ONLY_7, 0, "meter 7");
        _assertAccount(APRIL, THRIFTY, 185_000, GRID_ONLY_6, 0, "meter 8");
        _assertAccount(APRIL, 101, 20, _gridOnly(2), 0, "meter 101");
        _assertAccount(APRIL, 100, 0, 0, 0, "meter 100 shares the slot of 101");
    }

    function test_recordChunk_ofNoMetersChangesNothing() public {
        costCap.recordChunk(CAPPED, APRIL_START, "");
        _assertAccount(APRIL, 0, 0, 0, 0, "meter 0");
        _assertAccount(APRIL, 1, 0, 0, 0, "meter 1");
    }

    function test_recordChunk_revertsWhen_aSumExceeds64Bits() public {
        costCap.recordChunk(CAPPED, APRIL_START, _line(ODD, 0, type(uint64).max));
        vm.expectRevert(
            abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, uint256(type(uint64).max) + 1)
        );
        costCap.recordChunk(CAPPED, APRIL_START + 1, _line(ODD, 0, 1));
    }

    function test_recordChunk_revertsWhen_callerLacksTheSettlementRole() public {
        vm.expectRevert(_unauthorized(STRANGER));
        vm.prank(STRANGER);
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        assertTrue(costCap.hasRole(Roles.SETTLEMENT, address(settlement)), "settlement records");
        assertTrue(costCap.hasRole(Roles.SETTLEMENT, address(corrections)), "corrections record");
    }

    // ---- recordCorrection ----

    function test_recordCorrection_movesTheMeterSumsUpAndDown() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        costCap.recordCorrection(CAPPED, APRIL_START + 5, EVEN, 1000, 309);
        _assertAccount(APRIL, EVEN, PAID_6 + 1000, GRID_ONLY_6 + 309, 0, "after a higher correction");
        costCap.recordCorrection(CAPPED, APRIL_START + 5, EVEN, -3000, -619);
        _assertAccount(APRIL, EVEN, PAID_6 - 2000, GRID_ONLY_6 - 310, 0, "after a lower correction");
        costCap.recordCorrection(CAPPED, APRIL_START, ODD, -int256(uint256(PAID_7)), 0);
        _assertAccount(APRIL, ODD, 0, GRID_ONLY_7, 0, "odd meter down to zero");
        _assertAccount(APRIL, EVEN, PAID_6 - 2000, GRID_ONLY_6 - 310, 0, "even meter untouched by the odd");
        // The correction's interval decides the month.
        costCap.recordCorrection(CAPPED, MAY_START, EVEN, 1, 2);
        _assertAccount(MAY, EVEN, 1, 2, 0, "May");
    }

    function test_recordCorrection_revertsWhen_aSumWouldFallBelowZero() public {
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntToUint.selector, int256(-1)));
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, -1, 0);
        costCap.recordChunk(CAPPED, APRIL_START, _line(ODD, 1, 10));
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntToUint.selector, int256(-1)));
        costCap.recordCorrection(CAPPED, APRIL_START, ODD, -11, 0);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntToUint.selector, int256(-5)));
        costCap.recordCorrection(CAPPED, APRIL_START, ODD, 0, -314);
    }

    function test_recordCorrection_revertsWhen_aSumWouldExceed64Bits() public {
        uint256 tooMuch = uint256(type(uint64).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, tooMuch));
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, int256(tooMuch), 0);
        costCap.recordChunk(CAPPED, APRIL_START, _line(EVEN, 1, 0));
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, tooMuch + 308));
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, 0, int256(uint256(type(uint64).max)));
    }

    function test_recordCorrection_revertsWhen_callerLacksTheSettlementRole() public {
        vm.expectRevert(_unauthorized(STRANGER));
        vm.prank(STRANGER);
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, 1, 0);
    }

    // ---- closeMonth ----

    function test_closeMonth_creditsWhatEachMeterPaidAboveGridOnly_fromTheTreasury() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        int256[METERS] memory before = _cappedPositions();
        int256 treasuryBefore = credit.treasuryPosition();

        vm.expectEmit(address(costCap));
        emit ICostCap.CostCapCredited(CAPPED, APRIL, EVEN, PAID_6, GRID_ONLY_6, PAID_6 - GRID_ONLY_6);
        vm.expectEmit(address(costCap));
        emit ICostCap.CostCapCredited(CAPPED, APRIL, ODD, PAID_7, GRID_ONLY_7, PAID_7 - GRID_ONLY_7);
        // Anyone may close a month that is over.
        vm.prank(STRANGER);
        costCap.closeMonth(CAPPED, APRIL, _allCapped());

        int256[METERS] memory changes = [int256(0), 106_624, 159_936, 0];
        for (uint256 i; i < METERS; ++i) {
            assertEq(credit.positionOf(cappedOwners[i]) - before[i], changes[i], "owner's position");
        }
        assertEq(treasuryBefore - credit.treasuryPosition(), 106_624 + 159_936, "the treasury pays");
        _assertAccount(APRIL, EVEN, PAID_6, GRID_ONLY_6, 106_624, "meter 6 after the close");
        _assertAccount(APRIL, ODD, PAID_7, GRID_ONLY_7, 159_936, "meter 7 after the close");
        _assertAccount(APRIL, THRIFTY, 185_000, GRID_ONLY_6, 0, "meter 8 paid less than grid-only");
        _assertAccount(APRIL, SELLER, 0, 0, 0, "the seller paid nothing");
    }

    function test_closeMonth_creditsNothingToMetersThatPaidNoMoreThanGridOnly() public {
        // Meter 6 exactly grid-only, meter 7 less, meter 8 nothing at all.
        costCap.recordChunk(
            CAPPED,
            APRIL_START,
            bytes.concat(_line(EVEN, 600, GRID_ONLY_6), _line(ODD, 900, GRID_ONLY_7 - 1))
        );
        vm.warp(uint256(MAY_START) * 900);
        int256 treasuryBefore = credit.treasuryPosition();
        assertEq(_creditedEvents(_allCapped()), 0, "no CostCapCredited");
        assertEq(credit.treasuryPosition(), treasuryBefore, "treasury unchanged");
        _assertAccount(APRIL, EVEN, GRID_ONLY_6, GRID_ONLY_6, 0, "meter 6");
        _assertAccount(APRIL, ODD, GRID_ONLY_7 - 1, GRID_ONLY_7, 0, "meter 7");
    }

    function test_closeMonth_creditsNothingTheSecondTime() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
        int256[METERS] memory before = _cappedPositions();
        int256 treasuryBefore = credit.treasuryPosition();
        assertEq(_creditedEvents(_allCapped()), 0, "no CostCapCredited the second time");
        int256[METERS] memory afterwards = _cappedPositions();
        for (uint256 i; i < METERS; ++i) assertEq(afterwards[i], before[i], "owner's position unchanged");
        assertEq(credit.treasuryPosition(), treasuryBefore, "treasury unchanged");
        _assertAccount(APRIL, EVEN, PAID_6, GRID_ONLY_6, 106_624, "meter 6 still credited once");
    }

    function test_closeMonth_creditsAMeterListedTwiceOnce() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        int256 before = credit.positionOf(cappedOwners[1]);
        uint32[] memory numbers = new uint32[](2);
        (numbers[0], numbers[1]) = (EVEN, EVEN);
        assertEq(_creditedEvents(numbers), 1, "one CostCapCredited");
        assertEq(credit.positionOf(cappedOwners[1]) - before, 106_624, "credited once");
    }

    function test_closeMonth_afterALateInterval_creditsOnlyTheExtra() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
        // An April interval settled late: meter 6 paid 80,000 for 100 Wh that grid-only would have
        // given it for 30,964.
        costCap.recordChunk(CAPPED, APRIL_START + 40, _line(EVEN, 100, 80_000));
        int256 before = credit.positionOf(cappedOwners[1]);
        int256 treasuryBefore = credit.treasuryPosition();
        uint64 due = PAID_6 + 80_000 - GRID_ONLY_6 - 30_964;
        vm.expectEmit(address(costCap));
        emit ICostCap.CostCapCredited(CAPPED, APRIL, EVEN, PAID_6 + 80_000, GRID_ONLY_6 + 30_964, due);
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
        assertEq(credit.positionOf(cappedOwners[1]) - before, 80_000 - 30_964, "only the extra");
        assertEq(treasuryBefore - credit.treasuryPosition(), 80_000 - 30_964, "treasury pays only the extra");
        _assertAccount(APRIL, EVEN, PAID_6 + 80_000, GRID_ONLY_6 + 30_964, due, "meter 6");
    }

    /// What was credited stays credited: a correction that lowers what a meter paid after the close
    /// takes nothing back, and the next close credits nothing until the meter is due more again.
    function test_closeMonth_afterACorrectionLowersWhatWasPaid_takesNothingBack() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, -50_000, 0);
        int256 before = credit.positionOf(cappedOwners[1]);
        assertEq(_creditedEvents(_allCapped()), 0, "nothing credited");
        assertEq(credit.positionOf(cappedOwners[1]), before, "nothing taken back");
        _assertAccount(APRIL, EVEN, PAID_6 - 50_000, GRID_ONLY_6, 106_624, "credited stays");
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, 50_001, 0);
        assertEq(_creditedEvents(_allCapped()), 1, "due one more than credited");
        assertEq(credit.positionOf(cappedOwners[1]) - before, 1, "the one");
    }

    function test_closeMonth_revertsWhen_costCapNotEnabled() public {
        vm.warp(uint256(MAY_START) * 900);
        uint32[] memory numbers = new uint32[](1);
        numbers[0] = 1;
        vm.expectRevert(abi.encodeWithSelector(ICostCap.CostCapNotEnabled.selector, HOOD));
        costCap.closeMonth(HOOD, APRIL, numbers);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodUnknown.selector, OTHER));
        costCap.closeMonth(OTHER, APRIL, new uint32[](0));
    }

    function test_closeMonth_revertsWhen_monthNotOver() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900 - 1);
        vm.expectRevert(abi.encodeWithSelector(ICostCap.CostCapMonthNotOver.selector, APRIL, MAY_START));
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
        // December ends with January's first interval: 2026-12-31T23:00:00Z.
        vm.expectRevert(abi.encodeWithSelector(ICostCap.CostCapMonthNotOver.selector, 202612, 1_998_620));
        costCap.closeMonth(CAPPED, 202612, _allCapped());
        // From the first second of May on.
        vm.warp(uint256(MAY_START) * 900);
        assertEq(_creditedEvents(_allCapped()), 2, "closed at the first second of May");
    }

    function test_closeMonth_revertsWhen_meterNotInNeighbourhood() public {
        costCap.recordChunk(CAPPED, APRIL_START, _example());
        vm.warp(uint256(MAY_START) * 900);
        uint32[] memory numbers = new uint32[](2);
        (numbers[0], numbers[1]) = (EVEN, 1);
        vm.expectRevert(abi.encodeWithSelector(ICostCap.CostCapMeterNotInNeighbourhood.selector, 1, CAPPED));
        costCap.closeMonth(CAPPED, APRIL, numbers);
        numbers[1] = 99;
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 99));
        costCap.closeMonth(CAPPED, APRIL, numbers);
        _assertAccount(APRIL, EVEN, PAID_6, GRID_ONLY_6, 0, "nothing credited by a refused close");
    }

    function test_closeMonth_revertsWhen_aCreditExceedsInt64() public {
        uint256 huge = uint256(uint64(type(int64).max)) + 1;
        costCap.recordCorrection(CAPPED, APRIL_START, EVEN, int256(huge), 0);
        vm.warp(uint256(MAY_START) * 900);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedIntDowncast.selector, 64, huge));
        costCap.closeMonth(CAPPED, APRIL, _allCapped());
    }

    // ---- through settlement ----

    function test_settleChunk_inACappedNeighbourhood_recordsEachChunkInItsMonth() public {
        bytes memory meters = _cappedBatch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        bytes memory results = _settleCapped(APRIL_START, meters);
        assertEq(PAID_6, ((400 * POOL_NET + 200 * GRID_NET) * VAT_FACTOR) / 10_000_000, "meter 6 by hand");
        assertEq(GRID_ONLY_6, _gridOnly(600), "meter 6's grid-only cost by hand");
        _assertResult(results, 1, Result(EVEN, 600, 0, 0, 0, 400, 0, PAID_6, 0));
        _assertResult(results, 2, Result(ODD, 900, 0, 0, 0, 600, 0, PAID_7, 0));
        _assertAccount(APRIL, EVEN, PAID_6, GRID_ONLY_6, 0, "meter 6 after one interval");
        _assertAccount(APRIL, ODD, PAID_7, GRID_ONLY_7, 0, "meter 7 after one interval");

        // An interval in two chunks: each adds its meters.
        bytes memory all = _cappedBatch([uint32(100), 0, 0, 300], [uint32(0), 0, 0, 0]);
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(CAPPED, APRIL_START + 1, header, 0, first);
        _assertAccount(APRIL, SELLER, _gridOnly(100), _gridOnly(100), 0, "meter 5 after the first chunk");
        _assertAccount(APRIL, THRIFTY, 0, 0, 0, "meter 8 not yet");
        settlement.settleChunk(CAPPED, APRIL_START + 1, header, 1, second);
        _assertAccount(APRIL, THRIFTY, _gridOnly(300), _gridOnly(300), 0, "meter 8 after the second chunk");
        // A chunk sent again is not counted again.
        settlement.settleChunk(CAPPED, APRIL_START + 1, header, 1, second);
        _assertAccount(APRIL, THRIFTY, _gridOnly(300), _gridOnly(300), 0, "meter 8 counted once");

        // The close credits meters 6 and 7 what the dear pool cost them above the grid.
        vm.warp(uint256(MAY_START) * 900);
        int256 before = credit.positionOf(cappedOwners[2]);
        assertEq(_creditedEvents(_allCapped()), 2, "meters 6 and 7 credited");
        assertEq(credit.positionOf(cappedOwners[2]) - before, 159_936, "meter 7's owner");
    }

    function test_settleChunk_inANeighbourhoodWithoutTheCap_recordsNothing() public {
        _settle(7, _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]));
        ICostCap.MonthAccount memory account = costCap.monthAccountOf(HOOD, costCap.monthOf(7), 2);
        assertEq(account.paid + account.gridOnly, 0, "no month sums");
    }

    // ---- fuzz ----

    /// Random chunks of the capped meters over April and May, then a correction: each meter's month
    /// holds Σ debit and Σ floor(import × gridNet × (1 + VAT)), whatever the slots they share.
    function testFuzz_recordChunk_sumsPerMeterAndMonth(uint256 seed) public {
        uint256[2][METERS] memory paid;
        uint256[2][METERS] memory gridOnly;
        for (uint256 k; k < 6; ++k) {
            uint256 month = _random(seed, k, 99) % 2;
            bytes memory chunk;
            for (uint256 i; i < METERS; ++i) {
                uint256 r = _random(seed, k, i);
                if (r % 3 == 0) continue;
                uint32 importWh = uint32(bound(r >> 8, 0, 100_000));
                uint64 debit = uint64(bound(r >> 64, 0, 1e9));
                chunk = bytes.concat(chunk, _line(_cappedNumber(i), importWh, debit));
                paid[i][month] += debit;
                gridOnly[i][month] += _gridOnly(importWh);
            }
            costCap.recordChunk(CAPPED, (month == 0 ? APRIL_START : MAY_START) + uint64(k), chunk);
        }
        // A correction of one meter's April, up or down by at most what it paid.
        uint256 m = _random(seed, 7, 7) % METERS;
        int256 paidChange = int256(bound(_random(seed, 8, 8), 0, 1e6)) - int256(paid[m][0] < 1e6 ? paid[m][0] : 1e6);
        costCap.recordCorrection(CAPPED, APRIL_START + 50, _cappedNumber(m), paidChange, 3);
        paid[m][0] = uint256(int256(paid[m][0]) + paidChange);
        gridOnly[m][0] += 3;
        for (uint256 j; j < METERS; ++j) {
            _assertAccount(APRIL, _cappedNumber(j), paid[j][0], gridOnly[j][0], 0, "April");
            _assertAccount(MAY, _cappedNumber(j), paid[j][1], gridOnly[j][1], 0, "May");
        }
    }

    /// Random months, closed twice with a late interval between: after each close every meter has
    /// been credited max(0, paid − gridOnly) (never less than before), and the money only moved
    /// between the owners and the treasury.
    function testFuzz_closeMonth_capsEveryMeterAtGridOnly(uint256 seed) public {
        int256 moneyBefore = _cappedMoney();
        uint64[METERS] memory credited;
        for (uint256 round; round < 2; ++round) {
            bytes memory chunk;
            for (uint256 i; i < METERS; ++i) {
                uint256 r = _random(seed, round, i);
                uint32 importWh = uint32(bound(r, 0, 50_000));
                // Between 0.8 and 1.6 times what grid-only supply would have cost.
                uint64 debit = uint64((uint256(_gridOnly(importWh)) * bound(r >> 32, 80, 160)) / 100);
                chunk = bytes.concat(chunk, _line(_cappedNumber(i), importWh, debit));
            }
            costCap.recordChunk(CAPPED, APRIL_START + uint64(round), chunk);
            vm.warp(uint256(MAY_START + round) * 900);
            int256[METERS] memory before = _cappedPositions();
            costCap.closeMonth(CAPPED, APRIL, _allCapped());
            int256[METERS] memory afterwards = _cappedPositions();
            for (uint256 i; i < METERS; ++i) {
                ICostCap.MonthAccount memory a = costCap.monthAccountOf(CAPPED, APRIL, _cappedNumber(i));
                uint64 due = a.paid > a.gridOnly ? a.paid - a.gridOnly : 0;
                uint64 expected = due > credited[i] ? due : credited[i];
                assertEq(a.credited, expected, "credited");
                assertTrue(a.paid - a.credited <= a.gridOnly, "capped at grid-only");
                assertEq(afterwards[i] - before[i], int256(uint256(expected - credited[i])), "owner's position");
                credited[i] = expected;
            }
            assertEq(_cappedMoney(), moneyBefore, "money conserved");
        }
    }

    // ---- helpers ----

    /// @dev The hand-computed chunk: seller 5, meters 6 and 7 from the dear pool, meter 8 paid 185,000
    ///      for 600 Wh, less than grid-only (e.g. through a cheap power contract).
    function _example() private pure returns (bytes memory) {
        return
            bytes.concat(
                _line(SELLER, 0, 0),
                _line(EVEN, 600, PAID_6),
                _line(ODD, 900, PAID_7),
                _line(THRIFTY, 600, 185_000)
            );
    }

    function _line(uint32 number, uint32 importWh, uint64 debit) private pure returns (bytes memory) {
        return Chunks.encode(Result(number, importWh, 0, 0, 0, 0, 0, debit, 0));
    }

    function _allCapped() private pure returns (uint32[] memory numbers) {
        numbers = new uint32[](METERS);
        for (uint256 i; i < METERS; ++i) numbers[i] = _cappedNumber(i);
    }

    /// @dev Closes April for `numbers`; returns how many CostCapCredited events the close emitted.
    function _creditedEvents(uint32[] memory numbers) private returns (uint256 found) {
        vm.recordLogs();
        costCap.closeMonth(CAPPED, APRIL, numbers);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].emitter == address(costCap) && logs[i].topics[0] == ICostCap.CostCapCredited.selector) {
                ++found;
            }
        }
    }

    function _assertAccount(
        uint32 month,
        uint32 number,
        uint256 paid,
        uint256 gridOnly,
        uint256 credited,
        string memory what
    ) private view {
        ICostCap.MonthAccount memory a = costCap.monthAccountOf(CAPPED, month, number);
        assertEq(a.paid, paid, string.concat(what, ": paid"));
        assertEq(a.gridOnly, gridOnly, string.concat(what, ": gridOnly"));
        assertEq(a.credited, credited, string.concat(what, ": credited"));
    }

    function _unauthorized(address account) private pure returns (bytes memory) {
        return
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, account, Roles.SETTLEMENT);
    }
}
