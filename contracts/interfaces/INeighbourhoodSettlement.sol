// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {NeighbourhoodId} from "../Units.sol";

/// @title INeighbourhoodSettlement
/// @notice Settles one neighbourhood-interval (15 minutes) from the metered energy of each meter, in
///         one or more chunks: bilateral power contracts first (by seller, then by id), then the
///         community pool by the neighbourhood's allocation key and the households' price limits, then
///         the grid. All money is cleared through the utility's treasury. Rules: doc/settlement.md;
///         data layout: ADR 0005.
interface INeighbourhoodSettlement {
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

    /// @notice The running state of an interval; final when `chunksIn == chunkCount`.
    struct IntervalRecord {
        bytes32 batchKey;
        bytes32 commitment;
        bytes32 headerHash;
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
    /// @notice The interval was (at least partly) settled by the contract version before this one.
    error SettlementIntervalInPreviousVersion(NeighbourhoodId neighbourhood, uint64 interval, address previous);
    error SettlementIntervalNotClosed(NeighbourhoodId neighbourhood, uint64 interval, uint64 closesAt);
    error SettlementChunkOutOfOrder(NeighbourhoodId neighbourhood, uint64 interval, uint16 expected, uint16 got);
    error SettlementChunkConflict(NeighbourhoodId neighbourhood, uint64 interval, uint16 chunk);
    error SettlementHeaderMismatch(NeighbourhoodId neighbourhood, uint64 interval);
    error SettlementHeaderInvalid(string field);
    error SettlementHeaderTotalsMismatch(string field, uint64 declared, uint64 actual);
    error SettlementBatchEmpty();
    error SettlementBatchTooLarge(uint256 size, uint256 maxSize);
    /// @notice Meters must ascend strictly by number within a chunk (`index` is the position).
    error SettlementMetersNotAscending(uint256 index, uint32 number);
    /// @notice A meter's debit or credit exceeds the 64 bits results and ledger hold (a broken tariff).
    error SettlementAmountTooLarge(uint256 index, uint256 debit, uint256 credit);
    /// @notice The meter is already settled in this interval, by an earlier chunk.
    error SettlementMeterTwice(uint32 number);

    /// @notice One chunk is in. `results` holds RESULT_SIZE (44) bytes per meter, in the chunk's
    ///         order, big-endian: uint32 number, importWh, exportWh, contractBoughtWh, contractSoldWh,
    ///         poolBoughtWh, poolSoldWh, then uint64 debit and credit in credit base units. Its hash is
    ///         kept on chain ({chunkOf}), so any result can be proved later.
    event ChunkSettled(NeighbourhoodId indexed neighbourhood, uint64 indexed interval, uint16 chunk, bytes results);

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

    /// @notice Settles chunk `chunkIndex` of `interval` (unix seconds / 900) of `neighbourhood`.
    ///         Bridge only. Chunks come in order; a chunk already in (same batch key, same content)
    ///         is a no-op; the interval is final when its last chunk is in.
    /// @param meters This chunk's meters in the PackedMeters layout, ascending by number; no meter in
    ///        two chunks. Both meters of a power contract belong in the same chunk; a contract whose
    ///        buyer is not in the seller's chunk is not served in this interval.
    function settleChunk(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        bytes calldata meters
    ) external;

    /// @return The record of an interval (chunksIn is 0 when nothing of it has been settled).
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory);

    /// @return Whether every chunk of the interval is in.
    function isSettled(NeighbourhoodId neighbourhood, uint64 interval) external view returns (bool);

    /// @return contentHash keccak256 of the chunk's calldata meters.
    /// @return resultsHash keccak256 of the results its {ChunkSettled} event carries.
    function chunkOf(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint16 chunk
    ) external view returns (bytes32 contentHash, bytes32 resultsHash);

    /// @return Whether meter `number` is settled in the interval.
    function isMeterSettled(NeighbourhoodId neighbourhood, uint64 interval, uint32 number) external view returns (bool);
}
