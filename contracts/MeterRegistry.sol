// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Roles} from "./Roles.sol";
import {MeterId, NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title MeterRegistry
/// @notice See {IMeterRegistry}.
contract MeterRegistry is IMeterRegistry, AccessControl {
    mapping(NeighbourhoodId neighbourhood => Neighbourhood config) private _neighbourhoods;
    mapping(NeighbourhoodId neighbourhood => MeterId[] meters) private _metersIn;
    mapping(MeterId meter => Meter record) private _meters;
    mapping(address account => bool registered) private _participants;
    /// @dev The record as it was before the latest change, and the interval from which the change counts.
    mapping(MeterId meter => Meter record) private _before;
    mapping(MeterId meter => uint64 interval) private _changesAt;

    constructor(address admin, address operator) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
    }

    /// @inheritdoc IMeterRegistry
    function registerNeighbourhood(
        NeighbourhoodId neighbourhood,
        Neighbourhood calldata config
    ) external onlyRole(Roles.OPERATOR) {
        if (_neighbourhoods[neighbourhood].exists) revert RegistryNeighbourhoodExists(neighbourhood);
        Neighbourhood memory stored = config;
        stored.exists = true;
        _neighbourhoods[neighbourhood] = stored;
        emit NeighbourhoodRegistered(neighbourhood, stored);
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
        if (!_neighbourhoods[neighbourhood].exists) revert RegistryNeighbourhoodUnknown(neighbourhood);
        _addMeter(meter, Meter(neighbourhood, owner, true, 0, 0, 1));
    }

    /// @inheritdoc IMeterRegistry
    function retireMeter(MeterId meter) external onlyRole(Roles.OPERATOR) {
        _changing(meter).active = false;
        emit MeterRetired(meter);
    }

    /// @inheritdoc IMeterRegistry
    function replaceMeter(MeterId oldMeter, MeterId newMeter) external onlyRole(Roles.OPERATOR) {
        Meter storage old = _changing(oldMeter);
        Meter memory replacement = old;
        old.active = false;
        emit MeterRetired(oldMeter);
        _addMeter(newMeter, replacement);
        emit MeterReplaced(oldMeter, newMeter);
    }

    /// @inheritdoc IMeterRegistry
    function setPreferences(MeterId meter, uint64 maxBuyPrice, uint64 minSellPrice) external {
        if (msg.sender != _activeMeter(meter).owner && !hasRole(Roles.OPERATOR, msg.sender)) {
            revert RegistryNotMeterOwner(meter, msg.sender);
        }
        Meter storage record = _changing(meter);
        record.maxBuyPrice = maxBuyPrice;
        record.minSellPrice = minSellPrice;
        emit MeterPreferencesSet(meter, maxBuyPrice, minSellPrice);
    }

    /// @inheritdoc IMeterRegistry
    function setShareWeight(MeterId meter, uint32 shareWeight) external onlyRole(Roles.OPERATOR) {
        _changing(meter).shareWeight = shareWeight;
        emit MeterShareWeightSet(meter, shareWeight);
    }

    /// @inheritdoc IMeterRegistry
    function neighbourhoodOf(NeighbourhoodId neighbourhood) external view returns (Neighbourhood memory) {
        Neighbourhood memory config = _neighbourhoods[neighbourhood];
        if (!config.exists) revert RegistryNeighbourhoodUnknown(neighbourhood);
        return config;
    }

    /// @inheritdoc IMeterRegistry
    function meterOf(MeterId meter) external view returns (Meter memory) {
        Meter memory record = _meters[meter];
        if (record.owner == address(0)) revert RegistryMeterUnknown(meter);
        return record;
    }

    /// @inheritdoc IMeterRegistry
    function meterAt(MeterId meter, uint64 interval) external view returns (Meter memory) {
        Meter memory record = _meters[meter];
        if (record.owner == address(0)) revert RegistryMeterUnknown(meter);
        return interval < _changesAt[meter] ? _before[meter] : record;
    }

    /// @inheritdoc IMeterRegistry
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory) {
        return _metersIn[neighbourhood];
    }

    /// @inheritdoc IMeterRegistry
    function isParticipant(address account) external view returns (bool) {
        return _participants[account];
    }

    function _addMeter(MeterId meter, Meter memory record) private {
        if (_meters[meter].owner != address(0)) revert RegistryMeterExists(meter);
        _registerParticipant(record.owner);
        _meters[meter] = record;
        _metersIn[record.neighbourhood].push(meter);
        emit MeterRegistered(meter, record.neighbourhood, record.owner);
    }

    /// @dev The record of an active meter about to change: the change counts from the next interval, so
    ///      an interval already begun is settled with the record as it was.
    function _changing(MeterId meter) private returns (Meter storage record) {
        record = _activeMeter(meter);
        uint64 next = intervalAt(block.timestamp) + 1;
        if (_changesAt[meter] < next) {
            _before[meter] = record;
            _changesAt[meter] = next;
        }
    }

    function _activeMeter(MeterId meter) private view returns (Meter storage record) {
        record = _meters[meter];
        if (record.owner == address(0)) revert RegistryMeterUnknown(meter);
        if (!record.active) revert RegistryMeterRetired(meter);
    }

    function _registerParticipant(address account) private {
        if (account == address(0)) revert RegistryZeroAccount();
        if (_participants[account]) return;
        _participants[account] = true;
        emit ParticipantRegistered(account);
    }
}
