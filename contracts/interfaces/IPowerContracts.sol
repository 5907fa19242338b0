// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MeterId, NeighbourhoodId} from "../Units.sol";

/// @title IPowerContracts
/// @notice Bilateral power contracts between two meters of one neighbourhood: the seller's owner
///         offers up to `capWh` per interval at `pricePerKwh` (net, micro-euro) for a validity window of
///         intervals [validFrom, validUntil); the buyer's owner accepts; either ends it with the
///         neighbourhood's notice. A contract starts in a future interval, never one already begun.
///         Settlement serves active contracts first, by seller (ascending meter id), then by id.
interface IPowerContracts {
    enum Status {
        None,
        Offered,
        Active,
        Ended
    }

    struct PowerContract {
        NeighbourhoodId neighbourhood;
        MeterId seller;
        MeterId buyer;
        /// The meters' numbers (MeterRegistry), as settlement names them; with the rest in one slot.
        uint32 sellerNumber;
        uint32 buyerNumber;
        uint32 pricePerKwh;
        uint32 capWh;
        uint48 validFrom;
        uint48 validUntil;
        Status status;
    }

    error PowerContractUnknown(uint64 id);
    error PowerContractNotOffered(uint64 id, Status status);
    error PowerContractNotActive(uint64 id, Status status);
    error PowerContractNotParty(uint64 id, address caller);
    error PowerContractNotMeterOwner(MeterId meter, address caller);
    error PowerContractMetersInvalid(MeterId seller, MeterId buyer);
    error PowerContractTermsInvalid(uint32 capWh, uint64 validFrom, uint64 validUntil);
    error PowerContractLimitReached(MeterId meter, uint256 limit);

    event PowerContractOffered(uint64 indexed id, MeterId indexed seller, MeterId indexed buyer, PowerContract terms);
    event PowerContractAccepted(uint64 indexed id);
    event PowerContractEnded(uint64 indexed id, uint64 validUntil);

    /// @notice Offers a contract from `seller` (caller must own it) to `buyer`. @return id The new id.
    function offer(
        MeterId seller,
        MeterId buyer,
        uint32 pricePerKwh,
        uint32 capWh,
        uint64 validFrom,
        uint64 validUntil
    ) external returns (uint64 id);

    /// @notice Accepts an offered contract; the caller must own the buyer meter.
    function accept(uint64 id) external;

    /// @notice Ends a contract: an offer at once; an active contract after the notice period.
    ///         Either party's owner.
    function end(uint64 id) external;

    /// @return The contract `id`; reverts when unknown.
    function contractOf(uint64 id) external view returns (PowerContract memory);

    /// @return The id the next offer gets (ids count from 1).
    function nextId() external view returns (uint64);

    /// @return The ids of the accepted contracts in which `meter` is the seller, ascending (expired ones
    ///         are dropped when the meter's next contract is accepted).
    function contractsSoldBy(MeterId meter) external view returns (uint64[] memory);

    /// @return The ids of the accepted contracts in which `meter` is the buyer, ascending.
    function contractsBoughtBy(MeterId meter) external view returns (uint64[] memory);

    /// @notice The contracts settlement serves in a chunk (PackedMeters layout, ascending numbers):
    ///         active, valid for `interval`, seller and buyer both in the chunk; by seller, then by id.
    /// @return words Per contract: seller's position in the chunk (bits 0–31), buyer's position
    ///         (32–63), pricePerKwh (64–95), capWh (96–127), id (128–191).
    function contractsFor(bytes calldata meters, uint64 interval) external view returns (uint256[] memory words);
}
