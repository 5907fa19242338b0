// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {MeterRecords} from "./MeterRecords.sol";
import {Migratable} from "./Migratable.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {MeterId, NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title MeterRegistry
/// @notice See {IMeterRegistry}. A successor copies neighbourhoods, accounts and meters in number
///         order, so every number (in events, calldata, power contracts, the ledger) stays the same.
contract MeterRegistry is IMeterRegistry, AccessControl, Migratable {
    using MeterRecords for mapping(uint256 => uint256);

    mapping(NeighbourhoodId neighbourhood => Neighbourhood config) private _neighbourhoods;
    mapping(NeighbourhoodId neighbourhood => uint32 number) private _neighbourhoodNumbers;
    mapping(uint256 number => NeighbourhoodId neighbourhood) private _neighbourhoodIds;
    uint32 private _neighbourhoodCount;
    mapping(NeighbourhoodId neighbourhood => MeterId[] meters) private _metersIn;

    mapping(MeterId meter => uint32 number) private _meterNumbers;
    mapping(uint256 number => MeterId meter) private _meterIds;
    /// @dev MeterRecords, two meters per slot: the latest settings, and those before the latest change.
    mapping(uint256 pair => uint256 records) private _records;
    mapping(uint256 pair => uint256 records) private _before;
    /// @dev The interval from which a meter's latest change counts; earlier intervals see `_before`.
    mapping(uint256 number => uint64 interval) private _changesAt;
    /// @dev Per neighbourhood number: the latest `_changesAt` of its meters. Intervals from then on
    ///      read every meter's latest record without looking up its own change.
    mapping(uint256 neighbourhood => uint64 interval) private _neighbourhoodChangesAt;
    uint32 private _meterCount;

    mapping(address account => uint32 number) private _accountNumbers;
    mapping(uint256 number => address account) private _accounts;
    uint32 private _accountCount;

    constructor(address admin, address operator) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
    }

    /// @inheritdoc IMeterRegistry
    function registerNeighbourhood(
        NeighbourhoodId neighbourhood,
        Neighbourhood calldata config
    ) external onlyRole(Roles.OPERATOR) whenCurrent {
        if (_neighbourhoods[neighbourhood].exists) revert RegistryNeighbourhoodExists(neighbourhood);
        Neighbourhood memory stored = config;
        stored.exists = true;
        _neighbourhoods[neighbourhood] = stored;
        uint32 number = ++_neighbourhoodCount;
        _checkLimit("neighbourhoods", number, MeterRecords.MAX_NEIGHBOURHOODS);
        _neighbourhoodNumbers[neighbourhood] = number;
        _neighbourhoodIds[number] = neighbourhood;
        emit NeighbourhoodRegistered(neighbourhood, stored);
    }

    /// @inheritdoc IMeterRegistry
    function registerParticipant(address account) external onlyRole(Roles.OPERATOR) whenCurrent {
        _registerParticipant(account);
    }

    /// @inheritdoc IMeterRegistry
    function registerMeter(
        MeterId meter,
        NeighbourhoodId neighbourhood,
        address owner
    ) external onlyRole(Roles.OPERATOR) whenCurrent {
        uint32 hood = _neighbourhoodNumbers[neighbourhood];
        if (hood == 0) revert RegistryNeighbourhoodUnknown(neighbourhood);
        _addMeter(meter, neighbourhood, MeterRecords.Record(hood, _registerParticipant(owner), true, 0, 0, 1));
    }

    /// @inheritdoc IMeterRegistry
    function retireMeter(MeterId meter) external onlyRole(Roles.OPERATOR) whenCurrent {
        (uint32 number, MeterRecords.Record memory record) = _changing(meter);
        record.active = false;
        _records.write(number, MeterRecords.pack(record));
        emit MeterRetired(meter);
    }

    /// @inheritdoc IMeterRegistry
    function replaceMeter(MeterId oldMeter, MeterId newMeter) external onlyRole(Roles.OPERATOR) whenCurrent {
        (uint32 number, MeterRecords.Record memory record) = _changing(oldMeter);
        record.active = false;
        _records.write(number, MeterRecords.pack(record));
        emit MeterRetired(oldMeter);
        record.active = true;
        _addMeter(newMeter, _neighbourhoodIds[record.neighbourhood], record);
        emit MeterReplaced(oldMeter, newMeter);
    }

    /// @inheritdoc IMeterRegistry
    function setPreferences(MeterId meter, uint32 maxBuyPrice, uint32 minSellPrice) external whenCurrent {
        (uint32 number, MeterRecords.Record memory record) = _changing(meter);
        if (msg.sender != _accounts[record.account] && !hasRole(Roles.OPERATOR, msg.sender)) {
            revert RegistryNotMeterOwner(meter, msg.sender);
        }
        _checkLimit("maxBuyPrice", maxBuyPrice, MeterRecords.MAX_PRICE);
        _checkLimit("minSellPrice", minSellPrice, MeterRecords.MAX_PRICE);
        record.maxBuyPrice = maxBuyPrice;
        record.minSellPrice = minSellPrice;
        _records.write(number, MeterRecords.pack(record));
        emit MeterPreferencesSet(meter, maxBuyPrice, minSellPrice);
    }

    /// @inheritdoc IMeterRegistry
    function setShareWeight(MeterId meter, uint32 shareWeight) external onlyRole(Roles.OPERATOR) whenCurrent {
        _checkLimit("shareWeight", shareWeight, MeterRecords.MAX_SHARE_WEIGHT);
        (uint32 number, MeterRecords.Record memory record) = _changing(meter);
        record.shareWeight = shareWeight;
        _records.write(number, MeterRecords.pack(record));
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
        uint32 number = _numberOf(meter);
        return _view(number, _records.read(number));
    }

    /// @inheritdoc IMeterRegistry
    function meterAt(MeterId meter, uint64 interval) external view returns (Meter memory) {
        uint32 number = _numberOf(meter);
        return _view(number, interval < _changesAt[number] ? _before.read(number) : _records.read(number));
    }

    /// @inheritdoc IMeterRegistry
    function meterIdOf(uint32 number) external view returns (MeterId) {
        if (number == 0 || number > _meterCount) revert RegistryMeterNumberUnknown(number);
        return _meterIds[number];
    }

    /// @inheritdoc IMeterRegistry
    function metersIn(NeighbourhoodId neighbourhood) external view returns (MeterId[] memory) {
        return _metersIn[neighbourhood];
    }

    /// @inheritdoc IMeterRegistry
    function counts() external view returns (uint32 neighbourhoods, uint32 meters, uint32 accounts) {
        return (_neighbourhoodCount, _meterCount, _accountCount);
    }

    /// @inheritdoc IMeterRegistry
    function neighbourhoodIdOf(uint32 number) external view returns (NeighbourhoodId) {
        return _neighbourhoodIds[number];
    }

    /// @inheritdoc IMeterRegistry
    function accountOf(uint32 number) external view returns (address) {
        return _accounts[number];
    }

    /// @inheritdoc IMeterRegistry
    function meterRecordsOf(
        uint32 number
    ) external view returns (MeterId meter, uint256 latest, uint256 before, uint64 changesAt) {
        return (_meterIds[number], _records.read(number), _before.read(number), _changesAt[number]);
    }

    /// @inheritdoc IMeterRegistry
    function isParticipant(address account) external view returns (bool) {
        return _accountNumbers[account] != 0;
    }

    /// @inheritdoc IMeterRegistry
    function accountNumberOf(address account) external view returns (uint32) {
        return _accountNumbers[account];
    }

    /// @inheritdoc IMeterRegistry
    function settlementWords(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes calldata meters
    ) external view returns (uint256[] memory words) {
        uint256 hood = _neighbourhoodNumbers[neighbourhood];
        // Only when a meter of the neighbourhood changed at or after `interval` must each meter's own
        // change be looked up.
        bool recentChange = interval < _neighbourhoodChangesAt[hood];
        uint256 n = PackedMeters.count(meters);
        uint256 meterCount = _meterCount;
        words = new uint256[](n);
        uint256 pair = type(uint256).max;
        uint256 slot;
        for (uint256 i; i < n; ++i) {
            uint32 number = PackedMeters.numberAt(meters, i);
            if (number == 0 || number > meterCount) revert RegistryMeterNumberUnknown(number);
            // Neighbouring meters share a slot: read it once.
            if (number >> 1 != pair) {
                pair = number >> 1;
                slot = _records[pair];
            }
            uint256 bits = (slot >> ((number & 1) * 128)) & type(uint128).max;
            if (recentChange && interval < _changesAt[number]) bits = _before.read(number);
            // The record's fields are MeterRecords': neighbourhood (bits 0–15), active (40–47).
            if (bits & 0xffff != hood) revert RegistryMeterNotInNeighbourhood(number, neighbourhood);
            if ((bits >> 40) & 0xff == 0) revert RegistryMeterInactive(number, interval);
            words[i] = MeterRecords.settlementWord(bits);
        }
    }

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    /// @dev Numbers are copied as they were: nothing may be registered here before.
    function _startImport(address) internal view override {
        if (_neighbourhoodCount != 0 || _accountCount != 0) revert MigrationTargetNotEmpty();
    }

    /// @dev Neighbourhoods first, then accounts, then meters (whose records name both by number).
    function _copy(address previous, uint256 max) internal override returns (uint256 copied) {
        IMeterRegistry prev = IMeterRegistry(previous);
        (uint32 hoods, uint32 meters, uint32 accounts) = prev.counts();
        for (; copied < max && _neighbourhoodCount < hoods; ++copied) {
            uint32 number = ++_neighbourhoodCount;
            NeighbourhoodId id = prev.neighbourhoodIdOf(number);
            _neighbourhoods[id] = prev.neighbourhoodOf(id);
            _neighbourhoodNumbers[id] = number;
            _neighbourhoodIds[number] = id;
        }
        for (; copied < max && _accountCount < accounts; ++copied) {
            uint32 number = ++_accountCount;
            address account = prev.accountOf(number);
            _accountNumbers[account] = number;
            _accounts[number] = account;
        }
        for (; copied < max && _meterCount < meters; ++copied) _copyMeter(prev, ++_meterCount);
    }

    /// @dev A meter with both its records and the interval its latest change counts from.
    function _copyMeter(IMeterRegistry prev, uint32 number) private {
        (MeterId meter, uint256 latest, uint256 before, uint64 changesAt) = prev.meterRecordsOf(number);
        _meterNumbers[meter] = number;
        _meterIds[number] = meter;
        _records.write(number, latest);
        _before.write(number, before);
        _changesAt[number] = changesAt;
        uint256 hood = MeterRecords.unpack(latest).neighbourhood;
        _metersIn[_neighbourhoodIds[hood]].push(meter);
        if (_neighbourhoodChangesAt[hood] < changesAt) _neighbourhoodChangesAt[hood] = changesAt;
    }

    function _progress() internal view override returns (string memory, uint256, uint256) {
        (uint32 hoods, uint32 meters, uint32 accounts) = IMeterRegistry(previousVersion()).counts();
        if (_neighbourhoodCount != hoods) return ("neighbourhoods", _neighbourhoodCount, hoods);
        if (_accountCount != accounts) return ("accounts", _accountCount, accounts);
        return ("meters", _meterCount, meters);
    }

    function _addMeter(MeterId meter, NeighbourhoodId neighbourhood, MeterRecords.Record memory record) private {
        if (_meterNumbers[meter] != 0) revert RegistryMeterExists(meter);
        uint32 number = ++_meterCount;
        _meterNumbers[meter] = number;
        _meterIds[number] = meter;
        _records.write(number, MeterRecords.pack(record));
        _metersIn[neighbourhood].push(meter);
        emit MeterRegistered(meter, neighbourhood, _accounts[record.account], number);
    }

    /// @dev The record of an active meter about to change: the change counts from the next interval, so
    ///      an interval already begun is settled with the record as it was.
    function _changing(MeterId meter) private returns (uint32 number, MeterRecords.Record memory record) {
        number = _numberOf(meter);
        uint256 bits = _records.read(number);
        if (!MeterRecords.isActive(bits)) revert RegistryMeterRetired(meter);
        record = MeterRecords.unpack(bits);
        uint64 next = intervalAt(block.timestamp) + 1;
        if (_changesAt[number] < next) {
            _before.write(number, bits);
            _changesAt[number] = next;
            if (_neighbourhoodChangesAt[record.neighbourhood] < next)
                _neighbourhoodChangesAt[record.neighbourhood] = next;
        }
    }

    function _numberOf(MeterId meter) private view returns (uint32 number) {
        number = _meterNumbers[meter];
        if (number == 0) revert RegistryMeterUnknown(meter);
    }

    function _view(uint32 number, uint256 bits) private view returns (Meter memory) {
        MeterRecords.Record memory r = MeterRecords.unpack(bits);
        return
            Meter(
                _neighbourhoodIds[r.neighbourhood],
                _accounts[r.account],
                number,
                r.active,
                uint32(r.maxBuyPrice),
                uint32(r.minSellPrice),
                uint32(r.shareWeight)
            );
    }

    function _checkLimit(string memory field, uint256 value, uint256 max) private pure {
        if (value > max) revert RegistryValueTooLarge(field, value, max);
    }

    function _registerParticipant(address account) private returns (uint32 number) {
        if (account == address(0)) revert RegistryZeroAccount();
        number = _accountNumbers[account];
        if (number != 0) return number;
        number = ++_accountCount;
        _checkLimit("accounts", number, MeterRecords.MAX_ACCOUNTS);
        _accountNumbers[account] = number;
        _accounts[number] = account;
        emit ParticipantRegistered(account, number);
    }
}
