// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {NeighbourhoodId} from "../Units.sol";

/// @title ISettlementCorrections
/// @notice The operator corrects a settled meter-interval, e.g. after a meter operator delivered a
///         replacement value. The locally traded energy stays as it was allocated (the neighbours' shares
///         do not move); the difference in import or export is grid energy, priced with the interval's
///         tariff, and only the difference in money is settled against the treasury. The original stays
///         provable from ChunkSettled (its hash is on chain), the correction is kept here and emitted
///         with its reason. Rules: doc/settlement.md.
interface ISettlementCorrections {
    /// @notice A meter-interval as corrected; `count` is 0 while it has never been corrected.
    struct Correction {
        uint32 importWh;
        uint32 exportWh;
        uint64 debit;
        uint64 credit;
        uint32 count;
    }

    error CorrectionIntervalNotSettled(NeighbourhoodId neighbourhood, uint64 interval);
    /// @notice The results given are not the chunk's results as settled.
    error CorrectionResultsMismatch(NeighbourhoodId neighbourhood, uint64 interval, uint16 chunk);
    error CorrectionPositionInvalid(uint256 position, uint256 meters);
    /// @notice The corrected import (or export) is below what the meter already traded locally.
    error CorrectionBelowLocalEnergy(uint32 number, string field, uint32 corrected, uint32 traded);
    error CorrectionReasonMissing();
    /// @notice The correction gives the meter's current figures again.
    error CorrectionUnchanged(uint32 number);

    /// @notice Meter `number`'s interval now counts `importWh` and `exportWh`; `change` moved from the
    ///         treasury to its owner (negative: the other way). `reason` holds no personal data.
    event MeterCorrected(
        NeighbourhoodId indexed neighbourhood,
        uint64 indexed interval,
        uint32 indexed number,
        uint32 importWh,
        uint32 exportWh,
        uint64 debit,
        uint64 credit,
        int256 change,
        string reason
    );

    /// @notice Corrects meter `number` at `position` of chunk `chunk` of a settled interval. Operator only.
    /// @param results The chunk's results exactly as its ChunkSettled event carried them.
    /// @param reason Why, for the record (e.g. "replacement value from the meter operator"); required.
    function correctMeter(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint16 chunk,
        bytes calldata results,
        uint256 position,
        uint32 importWh,
        uint32 exportWh,
        string calldata reason
    ) external;

    /// @return The latest correction of meter `number` in the interval (count 0: never corrected).
    function correctionOf(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number
    ) external view returns (Correction memory);
}
