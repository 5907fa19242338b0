// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Migratable} from "./Migratable.sol";
import {Roles} from "./Roles.sol";
import {NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title TariffSchedule
/// @notice See {ITariffSchedule}. A successor copies each neighbourhood's whole history, past and
///         announced tariffs alike, in the registry's neighbourhood order.
contract TariffSchedule is ITariffSchedule, AccessControl, Migratable {
    IMeterRegistry private immutable _registry;
    mapping(NeighbourhoodId neighbourhood => ScheduledTariff[] history) private _history;
    /// @dev While importing: neighbourhoods whose history is copied.
    uint32 private _copiedNeighbourhoods;

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
    ) external onlyRole(Roles.OPERATOR) whenCurrent {
        _registry.neighbourhoodOf(neighbourhood);
        if (_history[neighbourhood].length != 0) revert TariffAlreadySet(neighbourhood);
        _schedule(neighbourhood, tariff, effectiveFrom);
    }

    /// @inheritdoc ITariffSchedule
    function announceTariff(
        NeighbourhoodId neighbourhood,
        Tariff calldata tariff,
        uint64 effectiveFrom
    ) external onlyRole(Roles.OPERATOR) whenCurrent {
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

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    function _startImport(address) internal view override {
        _predecessorOf(address(_registry));
    }

    /// @dev Neighbourhoods in the predecessor's registry order, each with its whole history.
    function _copy(address previous, uint256 max) internal override returns (uint256 copied) {
        IMeterRegistry registry = IMeterRegistry(_predecessorOf(address(_registry)));
        (uint32 hoods, , ) = registry.counts();
        for (; copied < max && _copiedNeighbourhoods < hoods; ++copied) {
            NeighbourhoodId neighbourhood = registry.neighbourhoodIdOf(++_copiedNeighbourhoods);
            ScheduledTariff[] memory history = ITariffSchedule(previous).tariffHistory(neighbourhood);
            for (uint256 i; i < history.length; ++i) _history[neighbourhood].push(history[i]);
        }
    }

    function _progress() internal view override returns (string memory, uint256, uint256) {
        (uint32 hoods, , ) = IMeterRegistry(_predecessorOf(address(_registry))).counts();
        return ("neighbourhoods", _copiedNeighbourhoods, hoods);
    }

    function _schedule(NeighbourhoodId neighbourhood, Tariff calldata tariff, uint64 effectiveFrom) private {
        if (tariff.vatBasisPoints > 10_000) revert TariffInvalid("vatBasisPoints");
        if (tariff.feedInPrice > tariff.communityPrice) revert TariffInvalid("feedInPrice above communityPrice");
        _history[neighbourhood].push(ScheduledTariff(effectiveFrom, tariff));
        emit TariffAnnounced(neighbourhood, effectiveFrom, tariff);
    }
}
