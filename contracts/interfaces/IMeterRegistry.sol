// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {MeterId, NeighbourhoodId} from "../Units.sol";

/// @title IMeterRegistry
/// @notice Neighbourhoods, their fixed tariffs, their pseudonymous meters and the accounts that may
///         hold credit. Holds no personal data: a meter is known only by its salted hash.
interface IMeterRegistry {
    /// @notice Prices of a neighbourhood in micro-euro (10^-6 EUR, one credit base unit) per kWh, gross.
    struct Tariff {
        uint64 gridPrice;
        uint64 feedInPrice;
        uint64 communityPrice;
    }

    struct Meter {
        NeighbourhoodId neighbourhood;
        address owner;
        bool active;
    }

    error RegistryNeighbourhoodExists(NeighbourhoodId neighbourhood);
    error RegistryNeighbourhoodUnknown(NeighbourhoodId neighbourhood);
    error RegistryMeterExists(MeterId meter);
    error RegistryMeterUnknown(MeterId meter);
    error RegistryZeroAccount();
    /// @notice The community price must lie between feed-in and grid price, or no one gains by sharing.
    error RegistryTariffInvalid(uint64 gridPrice, uint64 feedInPrice, uint64 communityPrice);

    event NeighbourhoodRegistered(NeighbourhoodId indexed neighbourhood, Tariff tariff);
    event ParticipantRegistered(address indexed account);
    event MeterRegistered(MeterId indexed meter, NeighbourhoodId indexed neighbourhood, address indexed owner);

    /// @notice Registers a neighbourhood with its tariff. Operator only.
    function registerNeighbourhood(NeighbourhoodId neighbourhood, Tariff calldata tariff) external;

    /// @notice Registers an account that may hold credit (a household or the utility's treasury). Operator only.
    function registerParticipant(address account) external;

    /// @notice Registers a meter in a neighbourhood and its owner as a participant. Operator only.
    function registerMeter(MeterId meter, NeighbourhoodId neighbourhood, address owner) external;

    /// @return The tariff of `neighbourhood`; reverts when it is unknown.
    function tariffOf(NeighbourhoodId neighbourhood) external view returns (Tariff memory);

    /// @return The meter record; reverts when the meter is unknown.
    function meterOf(MeterId meter) external view returns (Meter memory);

    /// @return The meters registered in `neighbourhood`, in registration order.
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory);

    /// @return Whether `account` may hold credit.
    function isParticipant(address account) external view returns (bool);
}
