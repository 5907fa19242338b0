// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Roles} from "./Roles.sol";
import {MeterId, NeighbourhoodId} from "./Units.sol";

/// @title MeterRegistry
/// @notice See {IMeterRegistry}.
contract MeterRegistry is IMeterRegistry, AccessControl {
    mapping(NeighbourhoodId neighbourhood => Tariff tariff) private _tariffs;
    mapping(NeighbourhoodId neighbourhood => bool exists) private _neighbourhoods;
    mapping(NeighbourhoodId neighbourhood => MeterId[] meters) private _metersIn;
    mapping(MeterId meter => Meter record) private _meters;
    mapping(address account => bool registered) private _participants;

    constructor(address admin, address operator) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
    }

    /// @inheritdoc IMeterRegistry
    function registerNeighbourhood(
        NeighbourhoodId neighbourhood,
        Tariff calldata tariff
    ) external onlyRole(Roles.OPERATOR) {
        if (_neighbourhoods[neighbourhood]) revert RegistryNeighbourhoodExists(neighbourhood);
        if (tariff.feedInPrice > tariff.communityPrice || tariff.communityPrice > tariff.gridPrice) {
            revert RegistryTariffInvalid(tariff.gridPrice, tariff.feedInPrice, tariff.communityPrice);
        }
        _neighbourhoods[neighbourhood] = true;
        _tariffs[neighbourhood] = tariff;
        emit NeighbourhoodRegistered(neighbourhood, tariff);
    }

    /// @inheritdoc IMeterRegistry
    function registerParticipant(address account) external onlyRole(Roles.OPERATOR) {
        _registerParticipant(account);
    }

    /// @inheritdoc IMeterRegistry
    function registerMeter(
        MeterId meter,
        NeighbourhoodId neighbourhood,
        address owner
    ) external onlyRole(Roles.OPERATOR) {
        if (!_neighbourhoods[neighbourhood]) revert RegistryNeighbourhoodUnknown(neighbourhood);
        if (_meters[meter].owner != address(0)) revert RegistryMeterExists(meter);
        _registerParticipant(owner);
        _meters[meter] = Meter({neighbourhood: neighbourhood, owner: owner, active: true});
        _metersIn[neighbourhood].push(meter);
        emit MeterRegistered(meter, neighbourhood, owner);
    }

    /// @inheritdoc IMeterRegistry
    function tariffOf(NeighbourhoodId neighbourhood) external view returns (Tariff memory) {
        if (!_neighbourhoods[neighbourhood]) revert RegistryNeighbourhoodUnknown(neighbourhood);
        return _tariffs[neighbourhood];
    }

    /// @inheritdoc IMeterRegistry
    function meterOf(MeterId meter) external view returns (Meter memory) {
        Meter memory record = _meters[meter];
        if (record.owner == address(0)) revert RegistryMeterUnknown(meter);
        return record;
    }

    /// @inheritdoc IMeterRegistry
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory) {
        return _metersIn[neighbourhood];
    }

    /// @inheritdoc IMeterRegistry
    function isParticipant(address account) external view returns (bool) {
        return _participants[account];
    }

    function _registerParticipant(address account) private {
        if (account == address(0)) revert RegistryZeroAccount();
        if (_participants[account]) return;
        _participants[account] = true;
        emit ParticipantRegistered(account);
    }
}
