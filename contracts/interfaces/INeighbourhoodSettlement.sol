// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MeterId, NeighbourhoodId} from "../Units.sol";

/// @title INeighbourhoodSettlement
/// @notice Settles one neighbourhood-interval (15 minutes) from the metered energy of each meter, in
///         one or more chunks: bilateral power contracts first (by ascending id), then the community
///         pool by the neighbourhood's allocation key and the households' price limits, then the grid.
///         All money is cleared through the utility's treasury. Rules: doc/settlement.md.
interface INeighbourhoodSettlement {
    /// @notice Energy a meter measured in one interval, from its cumulative registers (OBIS 1.8.0, 2.8.0).
    struct MeterEnergy {
        MeterId meter;
        uint64 importWh;
        uint64 exportWh;
    }

    /// @notice What the submitter computed over the whole interval; the same in every chunk, checked
    ///         against the chunks when the last one is in.
    struct BatchHeader {
        /// Idempotency key of the batch; resubmitting a chunk of the same batch is a no-op.
        bytes32 batchKey;
        /// keccak256 of the canonical raw readings behind the batch.
        bytes32 commitment;
        uint16 chunkCount;
        /// Σ import left after contracts, of meters whose price limit admits them to the pool.
        uint64 poolDemandWh;
        /// Σ export left after contracts, of meters whose price limit admits them to the pool.
        uint64 poolSupplyWh;
        /// Σ of what the buyers take from the pool (see doc/settlement.md).
        uint64 poolBoughtWh;
        /// Σ share weights of the meters admitted to the pool as buyers (static shares only, else 0).
        uint64 shareWeightTotal;
    }

    /// @notice One meter's share of a settled interval. Energy in Wh, money in credit base units.
    struct MeterResult {
        uint64 importWh;
        uint64 exportWh;
        uint64 contractBoughtWh;
        uint64 contractSoldWh;
        uint64 poolBoughtWh;
        uint64 poolSoldWh;
        /// What the owner pays, gross: contract and pool energy with local fees, grid energy, VAT.
        uint256 debit;
        /// What the owner receives: contract and pool energy sold, and feed-in.
        uint256 credit;
    }

    /// @notice The running state of an interval; final when `chunksIn == chunkCount`.
    struct IntervalRecord {
        bytes32 batchKey;
        bytes32 commitment;
        bytes32 headerHash;
        MeterId lastMeter;
        uint16 chunkCount;
        uint16 chunksIn;
        uint32 meterCount;
        uint64 settledAt;
        uint64 importWh;
        uint64 exportWh;
        uint64 localWh;
        uint64 poolDemandWh;
        uint64 poolSupplyWh;
        uint64 poolBoughtWh;
        uint64 shareWeightTotal;
    }

    error SettlementIntervalAlreadySettled(NeighbourhoodId neighbourhood, uint64 interval);
    error SettlementIntervalNotClosed(NeighbourhoodId neighbourhood, uint64 interval, uint64 closesAt);
    error SettlementChunkOutOfOrder(NeighbourhoodId neighbourhood, uint64 interval, uint16 expected, uint16 got);
    error SettlementChunkConflict(NeighbourhoodId neighbourhood, uint64 interval, uint16 chunk);
    error SettlementHeaderMismatch(NeighbourhoodId neighbourhood, uint64 interval);
    error SettlementHeaderInvalid(string field);
    error SettlementHeaderTotalsMismatch(string field, uint64 declared, uint64 actual);
    error SettlementBatchEmpty();
    error SettlementBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice Meters must ascend strictly by id, within and across chunks: this fixes the order and
    ///         rules out duplicates.
    error SettlementMetersNotAscending(uint256 index, MeterId meter);
    error SettlementMeterNotInNeighbourhood(MeterId meter, NeighbourhoodId neighbourhood);
    error SettlementMeterInactive(MeterId meter);

    event ChunkSettled(NeighbourhoodId indexed neighbourhood, uint64 indexed interval, uint16 chunk, uint32 meterCount);
    event IntervalSettled(
        NeighbourhoodId indexed neighbourhood,
        uint64 indexed interval,
        bytes32 commitment,
        bytes32 batchKey,
        uint32 meterCount,
        uint64 importWh,
        uint64 exportWh,
        uint64 localWh
    );
    event MeterSettled(
        NeighbourhoodId indexed neighbourhood,
        uint64 indexed interval,
        MeterId indexed meter,
        MeterResult result
    );

    /// @notice Settles chunk `chunkIndex` of `interval` (unix seconds / 900) of `neighbourhood`.
    ///         Bridge only. Chunks come in order; a chunk already in (same batch key, same content)
    ///         is a no-op; the interval is final when its last chunk is in.
    /// @param meters This chunk's meters, ascending by id and after every meter of earlier chunks,
    ///        at most MAX_CHUNK. Both meters of a power contract belong in the same chunk; a contract
    ///        whose buyer is not in the seller's chunk is not served in this interval.
    function settleChunk(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        MeterEnergy[] calldata meters
    ) external;

    /// @return The record of an interval (chunksIn is 0 when nothing of it has been settled).
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory);

    /// @return Whether every chunk of the interval is in.
    function isSettled(NeighbourhoodId neighbourhood, uint64 interval) external view returns (bool);
}
