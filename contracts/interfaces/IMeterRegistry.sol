// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AllocationKey, MeterId, NeighbourhoodId} from "../Units.sol";

/// @title IMeterRegistry
/// @notice Neighbourhoods and their rules, their pseudonymous meters with the owners' preferences,
///         and the accounts that may hold credit. Holds no personal data: a meter is known only by its
///         salted hash. Meters and accounts also get a number (1, 2, …) in registration order, which
///         settlement uses to keep calldata and storage small (ADR 0005).
interface IMeterRegistry {
    struct Neighbourhood {
        bool exists;
        AllocationKey allocationKey;
        /// Intervals between a tariff's announcement and its effect (4 weeks = 2688; 0 only in a demo).
        uint32 tariffNoticeIntervals;
        /// Intervals between ending an active power contract and its end.
        uint32 contractNoticeIntervals;
        /// Whether no household pays more over a billing month than grid-only supply would have cost.
        bool costCap;
    }

    struct Meter {
        NeighbourhoodId neighbourhood;
        address owner;
        /// The meter's number: settlement's calldata and events name meters by it.
        uint32 number;
        bool active;
        /// The most the owner pays per kWh of pool energy, gross (micro-euro); 0 = no limit.
        uint32 maxBuyPrice;
        /// The least the owner accepts per kWh of surplus sold to the pool (micro-euro); 0 = no limit.
        uint32 minSellPrice;
        /// The meter's weight under static shares, set by the operator (ignored under pro rata).
        uint32 shareWeight;
    }

    error RegistryNeighbourhoodExists(NeighbourhoodId neighbourhood);
    error RegistryNeighbourhoodUnknown(NeighbourhoodId neighbourhood);
    error RegistryMeterExists(MeterId meter);
    error RegistryMeterUnknown(MeterId meter);
    error RegistryMeterNumberUnknown(uint32 number);
    error RegistryMeterRetired(MeterId meter);
    error RegistryZeroAccount();
    error RegistryNotMeterOwner(MeterId meter, address caller);
    /// @notice A value beyond what a meter record holds (MeterRecords): prices up to 16,777,215
    ///         micro-euro per kWh, share weights up to 65,535, 65,535 neighbourhoods, 16,777,215 accounts.
    error RegistryValueTooLarge(string field, uint256 value, uint256 max);
    /// @notice A meter of a chunk is registered in another neighbourhood.
    error RegistryMeterNotInNeighbourhood(uint32 number, NeighbourhoodId neighbourhood);
    /// @notice A meter of a chunk was retired before the interval being settled.
    error RegistryMeterInactive(uint32 number, uint64 interval);

    event NeighbourhoodRegistered(NeighbourhoodId indexed neighbourhood, Neighbourhood config);
    event ParticipantRegistered(address indexed account, uint32 number);
    event MeterRegistered(
        MeterId indexed meter,
        NeighbourhoodId indexed neighbourhood,
        address indexed owner,
        uint32 number
    );
    event MeterRetired(MeterId indexed meter);
    event MeterReplaced(MeterId indexed oldMeter, MeterId indexed newMeter);
    event MeterPreferencesSet(MeterId indexed meter, uint32 maxBuyPrice, uint32 minSellPrice);
    event MeterShareWeightSet(MeterId indexed meter, uint32 shareWeight);

    /// @notice Registers a neighbourhood with its rules (`exists` is ignored). Operator only.
    function registerNeighbourhood(NeighbourhoodId neighbourhood, Neighbourhood calldata config) external;

    /// @notice Registers an account that may hold credit (a household). Operator only.
    function registerParticipant(address account) external;

    /// @notice Registers an active meter in a neighbourhood and its owner as a participant. Operator only.
    function registerMeter(MeterId meter, NeighbourhoodId neighbourhood, address owner) external;

    /// @notice Retires a meter from the next interval on: later intervals cannot settle it. Operator only.
    function retireMeter(MeterId meter) external;

    /// @notice Replaces a meter (new device, new id) keeping owner, neighbourhood and preferences;
    ///         retires the old one. Operator only.
    function replaceMeter(MeterId oldMeter, MeterId newMeter) external;

    /// @notice Sets the owner's price limits for the pool, from the next interval on. The meter's owner or
    ///         the operator.
    function setPreferences(MeterId meter, uint32 maxBuyPrice, uint32 minSellPrice) external;

    /// @notice Sets the meter's share under static shares, as the members agreed, from the next
    ///         interval on. Operator only: a household cannot raise its own share.
    function setShareWeight(MeterId meter, uint32 shareWeight) external;

    /// @return The rules of `neighbourhood`; reverts when it is unknown.
    function neighbourhoodOf(NeighbourhoodId neighbourhood) external view returns (Neighbourhood memory);

    /// @return The meter record with its latest settings (a change counts from the interval after it was
    ///         made); reverts when the meter is unknown.
    function meterOf(MeterId meter) external view returns (Meter memory);

    /// @return The meter record as it counts for `interval`: settings changed during or after that
    ///         interval do not count yet. Exact for every interval since the meter's previous change.
    function meterAt(MeterId meter, uint64 interval) external view returns (Meter memory);

    /// @return The id of meter number `number`; reverts when there is none.
    function meterIdOf(uint32 number) external view returns (MeterId);

    /// @return The meters registered in `neighbourhood`, in registration order, retired ones included.
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory);

    /// @return neighbourhoods How many neighbourhoods, meters and accounts are registered (the highest
    ///         number of each).
    function counts() external view returns (uint32 neighbourhoods, uint32 meters, uint32 accounts);

    /// @return The id of neighbourhood number `number` (0 when there is none).
    function neighbourhoodIdOf(uint32 number) external view returns (NeighbourhoodId);

    /// @return The account with number `number` (0 when there is none).
    function accountOf(uint32 number) external view returns (address);

    /// @notice A meter's stored records as a successor version copies them (MeterRecords layout).
    /// @return meter The meter's id.
    /// @return latest Its latest settings.
    /// @return before Its settings before the latest change.
    /// @return changesAt The interval from which `latest` counts.
    function meterRecordsOf(
        uint32 number
    ) external view returns (MeterId meter, uint256 latest, uint256 before, uint64 changesAt);

    /// @return Whether `account` may hold credit.
    function isParticipant(address account) external view returns (bool);

    /// @return The account's number (1, 2, …), 0 when it is not a participant.
    function accountNumberOf(address account) external view returns (uint32);

    /// @notice What settlement needs of each meter of a chunk (PackedMeters layout), as it counts for
    ///         `interval`; reverts when a meter is unknown, in another neighbourhood or retired.
    /// @return words Per meter: owner's account number (bits 0–31), maxBuyPrice (32–63),
    ///         minSellPrice (64–95), shareWeight (96–127).
    function settlementWords(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes calldata meters
    ) external view returns (uint256[] memory words);
}
