// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice A pseudonymous meter id: keccak256(salt, metering point id). The salt and the link to a
///         person stay in the utility's off-chain store.
type MeterId is bytes32;

/// @notice A neighbourhood id: keccak256 of the neighbourhood's slug, e.g. "burtscheid-sued".
type NeighbourhoodId is bytes32;

// Length of one settlement interval in seconds; interval n covers [n × 900, (n + 1) × 900).
uint64 constant INTERVAL_SECONDS = 900;

/// @notice How a neighbourhood shares its pool of local energy among the buyers.
enum AllocationKey {
    /// Pro rata to each buyer's remaining demand (the default).
    ProRata,
    /// Static shares agreed among the members (§42c EnWG energy sharing): a buyer may take up to its
    /// share of the pool's supply; what no one takes is fed into the grid.
    StaticShares
}

/// @return The interval that `timestamp` falls into.
function intervalAt(uint256 timestamp) pure returns (uint64) {
    return uint64(timestamp / INTERVAL_SECONDS);
}
