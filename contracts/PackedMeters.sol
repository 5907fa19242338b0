// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title PackedMeters
/// @notice The calldata layout of one chunk (ADR 0005): 12 bytes per meter, big-endian —
///         uint32 meter number (MeterRegistry's index), uint32 import Wh, uint32 export Wh.
library PackedMeters {
    uint256 internal constant SIZE = 12;
    /// @notice Bytes per meter in ChunkSettled's results (INeighbourhoodSettlement.ChunkSettled).
    uint256 internal constant RESULT_SIZE = 44;

    /// @notice The chunk's length is not a whole number of meters.
    error PackedMetersMalformed(uint256 length);

    /// @return n The number of meters in `meters`; reverts when the length is not a multiple of SIZE.
    function count(bytes calldata meters) internal pure returns (uint256 n) {
        if (meters.length % SIZE != 0) revert PackedMetersMalformed(meters.length);
        n = meters.length / SIZE;
    }

    /// @return w The 32 bytes from meter `i`'s offset: its 12 bytes in the top 96 bits (the rest is the
    ///         next meter's, or zero past the end: `count` checked the length, and calldataload pads
    ///         with zeros), for the accessors below.
    function word(bytes calldata meters, uint256 i) internal pure returns (uint256 w) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            w := calldataload(add(meters.offset, mul(i, 12)))
        }
    }

    function importOf(uint256 w) internal pure returns (uint256) {
        return (w >> 192) & 0xffffffff;
    }

    function exportOf(uint256 w) internal pure returns (uint256) {
        return (w >> 160) & 0xffffffff;
    }

    /// @return The meter number at position `i`.
    function numberAt(bytes calldata meters, uint256 i) internal pure returns (uint32) {
        return uint32(word(meters, i) >> 224);
    }
}
