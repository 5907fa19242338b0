// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {BillingMonth} from "../BillingMonth.sol";

/// @notice Exposes the internal library BillingMonth to the tests, `next` included.
contract BillingMonthHarness {
    function monthOf(uint64 interval) external pure returns (uint32) {
        return BillingMonth.monthOf(interval);
    }

    function firstInterval(uint32 yyyymm) external pure returns (uint64) {
        return BillingMonth.firstInterval(yyyymm);
    }

    function next(uint32 yyyymm) external pure returns (uint32) {
        return BillingMonth.next(yyyymm);
    }
}
