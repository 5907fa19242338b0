// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {NeighbourhoodId} from "../Units.sol";

/// @title ICostCap
/// @notice The optional cost cap of a neighbourhood: at the close of a billing month (calendar month in
///         German local time, see BillingMonth) no household meter has paid more than grid-only supply
///         would have cost it; the utility credits the difference from the treasury, on record.
///         Grid-only supply of an interval costs floor(import × gridNet × (10,000 + VAT) / 10^7), as the
///         meter's debit would have been with no local energy. Rules: doc/settlement.md.
interface ICostCap {
    /// @notice A meter's billing month: Σ debit, Σ grid-only cost, and what the utility credited.
    struct MonthAccount {
        uint64 paid;
        uint64 gridOnly;
        uint64 credited;
    }

    error CostCapNotEnabled(NeighbourhoodId neighbourhood);
    error CostCapMonthNotOver(uint32 month, uint64 endsAtInterval);
    error CostCapMeterNotInNeighbourhood(uint32 number, NeighbourhoodId neighbourhood);

    /// @notice The utility credited `credited` in total for the month (this close added the part above
    ///         what earlier closes credited).
    event CostCapCredited(
        NeighbourhoodId indexed neighbourhood,
        uint32 indexed month,
        uint32 indexed number,
        uint64 paid,
        uint64 gridOnly,
        uint64 credited
    );

    /// @notice Adds a settled chunk's meters to their month (ChunkSettled's results). Settlement only.
    function recordChunk(NeighbourhoodId neighbourhood, uint64 interval, bytes calldata results) external;

    /// @notice Adds a correction's differences to the meter's month. Settlement role only (corrections).
    function recordCorrection(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number,
        int256 paidChange,
        int256 gridOnlyChange
    ) external;

    /// @notice Credits each meter what it paid above grid-only supply in `month` and was not credited yet.
    ///         Anyone may call it once the month is over, again when late intervals came in.
    function closeMonth(NeighbourhoodId neighbourhood, uint32 month, uint32[] calldata numbers) external;

    function monthAccountOf(
        NeighbourhoodId neighbourhood,
        uint32 month,
        uint32 number
    ) external view returns (MonthAccount memory);

    /// @return The billing month (yyyymm) of `interval`.
    function monthOf(uint64 interval) external pure returns (uint32);

    /// @return The first interval of billing month `month` (yyyymm).
    function firstIntervalOf(uint32 month) external pure returns (uint64);
}
