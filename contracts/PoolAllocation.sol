// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title PoolAllocation
/// @notice Shares `local` Wh among meters pro rata to their `amounts`, in whole Wh, summing exactly to
///         `local`: each gets floor(amount × local / total); the Wh left by rounding (fewer than the
///         number of meters) go one each to the meters in batch order that still have room.
library PoolAllocation {
    function allocate(
        uint64[] memory amounts,
        uint64 total,
        uint64 local
    ) internal pure returns (uint64[] memory shares) {
        uint256 n = amounts.length;
        shares = new uint64[](n);
        if (local == 0) return shares;
        uint64 given;
        for (uint256 i; i < n; ++i) {
            shares[i] = uint64((uint256(amounts[i]) * local) / total);
            given += shares[i];
        }
        uint64 left = local - given;
        for (uint256 i; i < n && left > 0; ++i) {
            if (shares[i] < amounts[i]) {
                ++shares[i];
                --left;
            }
        }
    }
}
