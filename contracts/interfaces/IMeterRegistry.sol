// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AllocationKey, MeterId, NeighbourhoodId} from "../Units.sol";

/// @title IMeterRegistry
/// @notice Neighbourhoods and their rules, their pseudonymous meters with the owners' preferences,
///         and the accounts that may hold credit. Holds no personal data: a meter is known only by its
///         salted hash.
interface IMeterRegistry {
    struct Neighbourhood {
        bool exists;
        AllocationKey allocationKey;
        /// Intervals between a tariff's announcement and its effect (4 weeks = 2688; 0 only in a demo).
        uint32 tariffNoticeIntervals;
        /// Intervals between ending an active power contract and its end.
        uint32 contractNoticeIntervals;
    }

    struct Meter {
        NeighbourhoodId neighbourhood;
        address owner;
        bool active;
        /// The most the owner pays per kWh of pool energy, gross (micro-euro); 0 = no limit.
        uint64 maxBuyPrice;
        /// The least the owner accepts per kWh of surplus sold to the pool (micro-euro); 0 = no limit.
        uint64 minSellPrice;
        /// The meter's weight under static shares, set by the operator (ignored under pro rata).
        uint32 shareWeight;
    }

    error RegistryNeighbourhoodExists(NeighbourhoodId neighbourhood);
    error RegistryNeighbourhoodUnknown(NeighbourhoodId neighbourhood);
    error RegistryMeterExists(MeterId meter);
    error RegistryMeterUnknown(MeterId meter);
    error RegistryMeterRetired(MeterId meter);
    error RegistryZeroAccount();
    error RegistryNotMeterOwner(MeterId meter, address caller);

    event NeighbourhoodRegistered(NeighbourhoodId indexed neighbourhood, Neighbourhood config);
    event ParticipantRegistered(address indexed account);
    event MeterRegistered(MeterId indexed meter, NeighbourhoodId indexed neighbourhood, address indexed owner);
    event MeterRetired(MeterId indexed meter);
    event MeterReplaced(MeterId indexed oldMeter, MeterId indexed newMeter);
    event MeterPreferencesSet(MeterId indexed meter, uint64 maxBuyPrice, uint64 minSellPrice);
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
    function setPreferences(MeterId meter, uint64 maxBuyPrice, uint64 minSellPrice) external;

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

    /// @return The meters registered in `neighbourhood`, in registration order, retired ones included.
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory);

    /// @return Whether `account` may hold credit.
    function isParticipant(address account) external view returns (bool);
}
