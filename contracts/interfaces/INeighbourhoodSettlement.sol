// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MeterId, NeighbourhoodId} from "../Units.sol";

/// @title INeighbourhoodSettlement
/// @notice Settles one neighbourhood-interval (15 minutes) from the metered energy of each meter:
///         the community pool shares local supply with local demand pro rata at the community price,
///         the rest goes to and from the grid at the grid and feed-in prices. All money is cleared
///         through the utility's treasury, so every interval conserves money by construction.
interface INeighbourhoodSettlement {
    /// @notice Energy a meter measured in one interval, from its cumulative registers (OBIS 1.8.0, 2.8.0).
    struct MeterEnergy {
        MeterId meter;
        uint64 importWh;
        uint64 exportWh;
    }

    /// @notice What is stored of each settled interval.
    struct IntervalRecord {
        bytes32 commitment;
        uint64 settledAt;
        uint32 meterCount;
        uint64 importWh;
        uint64 exportWh;
        uint64 localWh;
    }

    error SettlementIntervalAlreadySettled(NeighbourhoodId neighbourhood, uint64 interval);
    error SettlementBatchEmpty();
    error SettlementBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice Meters must be sorted by strictly ascending id: this fixes the order and rules out duplicates.
    error SettlementMetersNotAscending(uint256 index, MeterId meter);
    error SettlementMeterNotInNeighbourhood(MeterId meter, NeighbourhoodId neighbourhood);
    error SettlementMeterInactive(MeterId meter);

    event IntervalSettled(
        NeighbourhoodId indexed neighbourhood,
        uint64 indexed interval,
        bytes32 commitment,
        uint32 meterCount,
        uint64 importWh,
        uint64 exportWh,
        uint64 localWh
    );

    /// @notice One meter's share of a settled interval. `debit` and `credit` are in credit base units.
    event MeterSettled(
        NeighbourhoodId indexed neighbourhood,
        uint64 indexed interval,
        MeterId indexed meter,
        uint64 importWh,
        uint64 exportWh,
        uint64 localBoughtWh,
        uint64 localSoldWh,
        uint256 debit,
        uint256 credit
    );

    /// @notice Settles `interval` (unix seconds / 900) of `neighbourhood`. Bridge only; once per interval.
    /// @param commitment keccak256 of the canonical raw readings behind the batch, so anyone holding
    ///        them can prove the batch.
    /// @param meters The meters' energy, sorted by strictly ascending meter id, at most MAX_BATCH long.
    function settle(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes32 commitment,
        MeterEnergy[] calldata meters
    ) external;

    /// @return The record of a settled interval (settledAt is 0 when it has not settled).
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory);

    /// @return interval The last interval settled for `neighbourhood`.
    /// @return any Whether any interval of `neighbourhood` has settled.
    function lastSettled(NeighbourhoodId neighbourhood) external view returns (uint64 interval, bool any);
}
