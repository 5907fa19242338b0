// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CostCap} from "./CostCap.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {BillingMonthHarness} from "./test/BillingMonthHarness.t.sol";
import {TestBase} from "./test/TestBase.t.sol";

/// @notice The billing month: the calendar month in Berlin (UTC+1, UTC+2 from the last Sunday of March
///         01:00 UTC to the last Sunday of October 01:00 UTC). Expected values from the IANA time zone
///         (Python's zoneinfo, Europe/Berlin); intervals are unix seconds / 900.
contract BillingMonthTest is TestBase {
    /// 2000-01-01 and 2100-01-01, midnight in Berlin.
    uint64 private constant FROM_2000 = 1_051_868;
    uint64 private constant UNTIL_2100 = 4_558_268;

    BillingMonthHarness private months;
    CostCap private costCap;

    function setUp() public {
        months = new BillingMonthHarness();
        costCap = new CostCap(
            address(this),
            IMeterRegistry(address(0)),
            ITariffSchedule(address(0)),
            ICreditToken(address(0))
        );
    }

    function test_monthOf_isTheMonthInBerlinTime() public view {
        // 2026-03-29 00:45 UTC is 01:45 CET, a quarter of an hour before the clocks go forward.
        _assertMonth(1_971_939, 202603, "2026-03-29 00:45 UTC");
        // 01:00 UTC, 03:00 CEST.
        _assertMonth(1_971_940, 202603, "2026-03-29 01:00 UTC");
        // 2026-03-31 21:45 UTC is 23:45 CEST; 22:00 UTC is midnight.
        _assertMonth(1_972_215, 202603, "2026-03-31 21:45 UTC");
        _assertMonth(1_972_216, 202604, "2026-03-31 22:00 UTC");
        // 2026-10-31 22:45 UTC is 23:45 CET; 23:00 UTC is midnight.
        _assertMonth(1_992_763, 202610, "2026-10-31 22:45 UTC");
        _assertMonth(1_992_764, 202611, "2026-10-31 23:00 UTC");
        // New Year's Eve: the year changes at 23:00 UTC.
        _assertMonth(1_963_579, 202512, "2025-12-31 22:45 UTC");
        _assertMonth(1_963_580, 202601, "2025-12-31 23:00 UTC");
        // The first interval of all: 1970-01-01 01:00 CET.
        _assertMonth(0, 197001, "1970-01-01 00:00 UTC");
    }

    /// In 2027 the clocks go back on October 31st: 00:45 UTC is 02:45 CEST, 22:45 UTC is 23:45 CET.
    function test_monthOf_whenTheClocksGoBackOnTheMonthsLastDay() public view {
        _assertMonth(2_027_715, 202710, "2027-10-31 00:45 UTC");
        _assertMonth(2_027_803, 202710, "2027-10-31 22:45 UTC");
        _assertMonth(2_027_804, 202711, "2027-10-31 23:00 UTC");
    }

    function test_firstInterval_isMidnightInBerlinOnTheFirst() public view {
        // April in summer time: 2026-03-31T22:00:00Z; November in winter time: 2026-10-31T23:00:00Z.
        assertEq(months.firstInterval(202604), 1_774_994_400 / 900, "202604");
        assertEq(months.firstInterval(202611), 1_793_487_600 / 900, "202611");
        uint64[24] memory starts = [
            // 2026: January to March and November, December at 23:00 UTC the day before, April to
            // October at 22:00 UTC.
            uint64(1_963_580),
            1_966_556,
            1_969_244,
            1_972_216,
            1_975_096,
            1_978_072,
            1_980_952,
            1_983_928,
            1_986_904,
            1_989_784,
            1_992_764,
            1_995_644,
            // 2027.
            1_998_620,
            2_001_596,
            2_004_284,
            2_007_256,
            2_010_136,
            2_013_112,
            2_015_992,
            2_018_968,
            2_021_944,
            2_024_824,
            2_027_804,
            2_030_684
        ];
        for (uint256 k; k < starts.length; ++k) {
            uint32 month = uint32((2026 + k / 12) * 100 + (k % 12) + 1);
            assertEq(months.firstInterval(month), starts[k], "first interval");
            assertEq(costCap.firstIntervalOf(month), starts[k], "CostCap.firstIntervalOf");
            uint256 hour = ((uint256(starts[k]) * 900) % 86_400) / 3600;
            assertEq(hour, (k % 12 >= 3 && k % 12 <= 9) ? 22 : 23, "UTC hour of Berlin midnight");
        }
    }

    /// Last Sundays of March that are the 31st (2024, 2030): April starts after the switch, at 22:00 UTC.
    function test_firstInterval_whenTheClocksGoForwardOnTheMonthsLastDay() public view {
        assertEq(months.firstInterval(202404), 1_902_136, "202404: 2024-03-31T22:00:00Z");
        assertEq(months.firstInterval(203004), 2_112_472, "203004: 2030-03-31T22:00:00Z");
        _assertMonth(1_902_135, 202403, "2024-03-31 21:45 UTC");
        _assertMonth(1_902_136, 202404, "2024-03-31 22:00 UTC");
    }

    function test_next_turnsDecemberIntoJanuaryOfTheNextYear() public view {
        assertEq(months.next(202612), 202701, "202612");
        assertEq(months.next(209912), 210001, "209912");
        assertEq(months.next(202601), 202602, "202601");
        assertEq(months.next(202611), 202612, "202611");
        assertEq(months.firstInterval(months.next(202612)), 1_998_620, "January 2027 starts 2026-12-31T23:00Z");
    }

    /// Any month of 2000…2099 starts at Berlin midnight (22:00 UTC in summer time, 23:00 UTC in winter
    /// time): its first interval is in the month, the interval before it in the month before.
    function testFuzz_firstInterval_startsItsMonth(uint256 yearSeed, uint256 monthSeed) public view {
        uint32 month = uint32(bound(yearSeed, 2000, 2099) * 100 + bound(monthSeed, 1, 12));
        uint64 first = months.firstInterval(month);
        assertEq(months.monthOf(first), month, "the first interval is in the month");
        assertEq(months.monthOf(first - 1), _previous(month), "the interval before is in the previous month");
        assertEq(costCap.monthOf(first), month, "CostCap.monthOf");
        // April to October begin in summer time, November to March in winter time, whatever the year.
        bool summer = month % 100 >= 4 && month % 100 <= 10;
        assertEq((uint256(first) * 900) % 86_400, uint256(summer ? 22 : 23) * 3600, "22:00 or 23:00 UTC");
        assertTrue(months.firstInterval(months.next(month)) > first, "the next month starts later");
    }

    /// Any interval of 2000…2099 lies between its month's first interval and the next month's.
    function testFuzz_monthOf_liesWithinItsMonth(uint256 seed) public view {
        uint64 interval = uint64(bound(seed, FROM_2000, UNTIL_2100 - 1));
        uint32 month = months.monthOf(interval);
        assertTrue(month / 100 >= 2000 && month / 100 <= 2099, "year");
        assertTrue(month % 100 >= 1 && month % 100 <= 12, "month");
        assertTrue(months.firstInterval(month) <= interval, "not before its month");
        assertTrue(interval < months.firstInterval(months.next(month)), "before the next month");
    }

    function _assertMonth(uint64 interval, uint32 month, string memory what) private view {
        assertEq(months.monthOf(interval), month, what);
        assertEq(costCap.monthOf(interval), month, string.concat(what, " (CostCap.monthOf)"));
    }

    function _previous(uint32 month) private pure returns (uint32) {
        return month % 100 == 1 ? (month / 100 - 1) * 100 + 12 : month - 1;
    }
}
