// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {NeighbourhoodId} from "../Units.sol";

/// @title ITariffSchedule
/// @notice Each neighbourhood's tariffs over time. A tariff keeps the German price components so
///         statements can show them. A change is announced and takes effect only after the
///         neighbourhood's notice period; past tariffs stay readable for the intervals they priced.
///         All prices are net, in micro-euro (one credit base unit) per kWh; VAT is added on what
///         households buy.
interface ITariffSchedule {
    struct Tariff {
        /// Energy price of grid supply.
        uint64 gridEnergy;
        /// Grid fee (Netzentgelt) on grid supply.
        uint64 gridFee;
        /// Grid fee on locally shared energy, often reduced.
        uint64 localGridFee;
        /// Electricity tax (Stromsteuer).
        uint64 electricityTax;
        /// Concession fee (Konzessionsabgabe).
        uint64 concessionFee;
        /// Levies: §19 StromNEV, offshore grid levy, CHP levy (KWKG), summed.
        uint64 levies;
        /// Paid to a producer for surplus fed into the grid (no VAT).
        uint64 feedInPrice;
        /// Energy price of locally shared pool energy, paid to the producers.
        uint64 communityPrice;
        /// VAT in basis points: 1900 = 19 %.
        uint16 vatBasisPoints;
    }

    struct ScheduledTariff {
        uint64 effectiveFrom;
        Tariff tariff;
    }

    error TariffNoticeTooShort(NeighbourhoodId neighbourhood, uint64 effectiveFrom, uint64 earliest);
    error TariffNotAfterLast(NeighbourhoodId neighbourhood, uint64 effectiveFrom, uint64 last);
    error TariffNotInForce(NeighbourhoodId neighbourhood, uint64 interval);
    error TariffAlreadySet(NeighbourhoodId neighbourhood);
    error TariffInvalid(string field);

    event TariffAnnounced(NeighbourhoodId indexed neighbourhood, uint64 indexed effectiveFrom, Tariff tariff);

    /// @notice Sets a neighbourhood's first tariff, agreed at onboarding, from any interval without
    ///         notice. Operator only; once per neighbourhood.
    function setInitialTariff(NeighbourhoodId neighbourhood, Tariff calldata tariff, uint64 effectiveFrom) external;

    /// @notice Announces a tariff from `effectiveFrom`, which must be at least the notice period ahead
    ///         and after every announced tariff. Operator only.
    function announceTariff(NeighbourhoodId neighbourhood, Tariff calldata tariff, uint64 effectiveFrom) external;

    /// @return tariff The tariff in force for `interval`; reverts with {TariffNotInForce} when none is.
    /// @return effectiveFrom The interval from which it is in force.
    function tariffAt(
        NeighbourhoodId neighbourhood,
        uint64 interval
    ) external view returns (Tariff memory tariff, uint64 effectiveFrom);

    /// @return Every tariff of `neighbourhood`, oldest first, announced future ones included.
    function tariffHistory(NeighbourhoodId neighbourhood) external view returns (ScheduledTariff[] memory);
}
