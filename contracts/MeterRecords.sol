// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title MeterRecords
/// @notice A meter's settings in 128 bits, two meters per storage slot, so settlement reads two
///         neighbouring meters with one cold SLOAD (ADR 0005). Fields, from bit 0: neighbourhood
///         number (16 bits), owner's account number (24), active (8), maxBuyPrice (24),
///         minSellPrice (24), shareWeight (16).
library MeterRecords {
    struct Record {
        uint256 neighbourhood;
        uint256 account;
        bool active;
        uint256 maxBuyPrice;
        uint256 minSellPrice;
        uint256 shareWeight;
    }

    uint256 internal constant MAX_NEIGHBOURHOODS = type(uint16).max;
    uint256 internal constant MAX_ACCOUNTS = type(uint24).max;
    uint256 internal constant MAX_PRICE = type(uint24).max;
    uint256 internal constant MAX_SHARE_WEIGHT = type(uint16).max;

    uint256 private constant MASK128 = type(uint128).max;

    /// @return bits The record of meter `number`.
    function read(mapping(uint256 => uint256) storage slots, uint256 number) internal view returns (uint256 bits) {
        return laneOf(slots[number >> 1], number);
    }

    /// @notice Stores `bits` as the record of meter `number`, keeping its neighbour's.
    function write(mapping(uint256 => uint256) storage slots, uint256 number, uint256 bits) internal {
        uint256 shift = (number & 1) * 128;
        uint256 slot = slots[number >> 1];
        slots[number >> 1] = (slot & ~(MASK128 << shift)) | (bits << shift);
    }

    /// @return The record of meter `number` in the slot it shares with its neighbour.
    function laneOf(uint256 slot, uint256 number) internal pure returns (uint256) {
        return (slot >> ((number & 1) * 128)) & MASK128;
    }

    function pack(Record memory r) internal pure returns (uint256) {
        return
            r.neighbourhood |
            (r.account << 16) |
            ((r.active ? uint256(1) : 0) << 40) |
            (r.maxBuyPrice << 48) |
            (r.minSellPrice << 72) |
            (r.shareWeight << 96);
    }

    function unpack(uint256 bits) internal pure returns (Record memory r) {
        r.neighbourhood = bits & 0xffff;
        r.account = (bits >> 16) & 0xffffff;
        r.active = (bits >> 40) & 0xff != 0;
        r.maxBuyPrice = (bits >> 48) & 0xffffff;
        r.minSellPrice = (bits >> 72) & 0xffffff;
        r.shareWeight = (bits >> 96) & 0xffff;
    }

    function isActive(uint256 bits) internal pure returns (bool) {
        return (bits >> 40) & 0xff != 0;
    }

    /// @return The word settlement takes (IMeterRegistry.settlementWords): account number (bits 0–31),
    ///         maxBuyPrice (32–63), minSellPrice (64–95), shareWeight (96–127).
    function settlementWord(uint256 bits) internal pure returns (uint256) {
        return
            ((bits >> 16) & 0xffffff) |
            (((bits >> 48) & 0xffffff) << 32) |
            (((bits >> 72) & 0xffffff) << 64) |
            (((bits >> 96) & 0xffff) << 96);
    }
}
