// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Roles} from "./Roles.sol";
import {NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title TariffSchedule
/// @notice See {ITariffSchedule}.
contract TariffSchedule is ITariffSchedule, AccessControl {
    IMeterRegistry private immutable _registry;
    mapping(NeighbourhoodId neighbourhood => ScheduledTariff[] history) private _history;

    constructor(address admin, address operator, IMeterRegistry registry) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
        _registry = registry;
    }

    /// @inheritdoc ITariffSchedule
    function setInitialTariff(
        NeighbourhoodId neighbourhood,
        Tariff calldata tariff,
        uint64 effectiveFrom
    ) external onlyRole(Roles.OPERATOR) {
        _registry.neighbourhoodOf(neighbourhood);
        if (_history[neighbourhood].length != 0) revert TariffAlreadySet(neighbourhood);
        _schedule(neighbourhood, tariff, effectiveFrom);
    }

    /// @inheritdoc ITariffSchedule
    function announceTariff(
        NeighbourhoodId neighbourhood,
        Tariff calldata tariff,
        uint64 effectiveFrom
    ) external onlyRole(Roles.OPERATOR) {
        uint64 earliest = intervalAt(block.timestamp) + _registry.neighbourhoodOf(neighbourhood).tariffNoticeIntervals;
        if (effectiveFrom < earliest) revert TariffNoticeTooShort(neighbourhood, effectiveFrom, earliest);
        ScheduledTariff[] storage history = _history[neighbourhood];
        if (history.length != 0) {
            uint64 last = history[history.length - 1].effectiveFrom;
            if (effectiveFrom <= last) revert TariffNotAfterLast(neighbourhood, effectiveFrom, last);
        }
        _schedule(neighbourhood, tariff, effectiveFrom);
    }

    /// @inheritdoc ITariffSchedule
    function tariffAt(
        NeighbourhoodId neighbourhood,
        uint64 interval
    ) external view returns (Tariff memory tariff, uint64 effectiveFrom) {
        ScheduledTariff[] storage history = _history[neighbourhood];
        // Newest first: settlement asks for recent intervals, so this ends after one or two steps.
        for (uint256 i = history.length; i > 0; --i) {
            if (history[i - 1].effectiveFrom <= interval) return (history[i - 1].tariff, history[i - 1].effectiveFrom);
        }
        revert TariffNotInForce(neighbourhood, interval);
    }

    /// @inheritdoc ITariffSchedule
    function tariffHistory(NeighbourhoodId neighbourhood) external view returns (ScheduledTariff[] memory) {
        return _history[neighbourhood];
    }

    function _schedule(NeighbourhoodId neighbourhood, Tariff calldata tariff, uint64 effectiveFrom) private {
        if (tariff.vatBasisPoints > 10_000) revert TariffInvalid("vatBasisPoints");
        if (tariff.feedInPrice > tariff.communityPrice) revert TariffInvalid("feedInPrice above communityPrice");
        _history[neighbourhood].push(ScheduledTariff(effectiveFrom, tariff));
        emit TariffAnnounced(neighbourhood, effectiveFrom, tariff);
    }
}
