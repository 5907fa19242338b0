// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {INTERVAL_SECONDS} from "./Units.sol";

/// @title BillingMonth
/// @notice The calendar month an interval belongs to in German local time (Europe/Berlin: UTC+1, and
///         UTC+2 from the last Sunday of March to the last Sunday of October, switching at 01:00 UTC),
///         as yyyymm (e.g. 202611). Intervals start on whole quarter hours, so none spans two months.
///         Mirrored by packages/core/src/billing-month.ts, which is checked against the IANA time zone.
library BillingMonth {
    /// @return yyyymm of the interval's start in Berlin.
    function monthOf(uint64 interval) internal pure returns (uint32) {
        uint256 utc = uint256(interval) * INTERVAL_SECONDS;
        (uint256 year, , ) = _civil(utc / 86400);
        uint256 local = utc + (_isSummerTime(utc, year) ? 7200 : 3600);
        (uint256 y, uint256 m, ) = _civil(local / 86400);
        return uint32(y * 100 + m);
    }

    /// @return The first interval of month `yyyymm` (its local midnight on the 1st).
    function firstInterval(uint32 yyyymm) internal pure returns (uint64) {
        uint256 year = yyyymm / 100;
        uint256 month = yyyymm % 100;
        // Local midnight is 23:00 or 22:00 UTC the day before; months start outside the switch hours.
        uint256 midnight = _days(year, month, 1) * 86400;
        uint256 utc = midnight - (_isSummerTime(midnight - 3600, year) ? 7200 : 3600);
        return uint64(utc / INTERVAL_SECONDS);
    }

    /// @return The month after yyyymm.
    function next(uint32 yyyymm) internal pure returns (uint32) {
        return yyyymm % 100 == 12 ? (yyyymm / 100 + 1) * 100 + 1 : yyyymm + 1;
    }

    function _isSummerTime(uint256 utc, uint256 year) private pure returns (bool) {
        return utc >= _lastSunday(year, 3) * 86400 + 3600 && utc < _lastSunday(year, 10) * 86400 + 3600;
    }

    /// @dev Days since 1970-01-01 of the last Sunday of a 31-day month.
    function _lastSunday(uint256 year, uint256 month) private pure returns (uint256) {
        uint256 last = _days(year, month, 31);
        // 1970-01-01 was a Thursday: weekday (Sunday = 0) = (days + 4) % 7.
        return last - ((last + 4) % 7);
    }

    /// @dev Days since 1970-01-01 of a date (Howard Hinnant's days_from_civil).
    function _days(uint256 year, uint256 month, uint256 day) private pure returns (uint256) {
        uint256 y = month <= 2 ? year - 1 : year;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /// @dev The date of a day since 1970-01-01 (Howard Hinnant's civil_from_days).
    function _civil(uint256 z) private pure returns (uint256 year, uint256 month, uint256 day) {
        z += 719468;
        uint256 era = z / 146097;
        uint256 doe = z - era * 146097;
        uint256 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        day = doy - (153 * mp + 2) / 5 + 1;
        month = mp < 10 ? mp + 3 : mp - 9;
        year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    }
}
