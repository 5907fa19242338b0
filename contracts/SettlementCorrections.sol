// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {ISettlementCorrections} from "./interfaces/ISettlementCorrections.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Migratable} from "./Migratable.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {SettlementMath} from "./SettlementMath.sol";
import {NeighbourhoodId} from "./Units.sol";

/// @title SettlementCorrections
/// @notice See {ISettlementCorrections}. Holds the settlement role on the credit token to move the
///         difference. A successor copies nothing: an interval settled before its first interval is
///         proved against the predecessor's chunks (through this version's settlement), and its first
///         correction here continues from the predecessor's last one.
contract SettlementCorrections is ISettlementCorrections, AccessControl, Migratable {
    /// @dev A settled meter's result as ChunkSettled carries it.
    struct Result {
        uint32 number;
        uint32 importWh;
        uint32 exportWh;
        uint32 boughtLocally;
        uint32 soldLocally;
        uint64 debit;
        uint64 credit;
    }

    IMeterRegistry private immutable _registry;
    ITariffSchedule private immutable _tariffs;
    INeighbourhoodSettlement private immutable _settlement;
    ICreditToken private immutable _credit;
    ICostCap private immutable _costCap;
    mapping(bytes32 intervalKey => mapping(uint32 number => Correction correction)) private _corrections;

    constructor(
        address admin,
        address operator,
        IMeterRegistry registry,
        ITariffSchedule tariffs,
        INeighbourhoodSettlement settlement,
        ICreditToken credit,
        ICostCap costCap
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
        _registry = registry;
        _tariffs = tariffs;
        _settlement = settlement;
        _credit = credit;
        _costCap = costCap;
    }

    /// @inheritdoc ISettlementCorrections
    function correctMeter(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint16 chunk,
        bytes calldata results,
        uint256 position,
        uint32 importWh,
        uint32 exportWh,
        string calldata reason
    ) external onlyRole(Roles.OPERATOR) whenCurrent {
        if (bytes(reason).length == 0) revert CorrectionReasonMissing();
        Result memory original = _original(neighbourhood, interval, chunk, results, position);
        if (importWh < original.boughtLocally) {
            revert CorrectionBelowLocalEnergy(original.number, "importWh", importWh, original.boughtLocally);
        }
        if (exportWh < original.soldLocally) {
            revert CorrectionBelowLocalEnergy(original.number, "exportWh", exportWh, original.soldLocally);
        }
        Correction storage current = _corrections[keccak256(abi.encode(neighbourhood, interval))][original.number];
        if (current.count == 0 && interval < firstInterval())
            _carryOver(current, neighbourhood, interval, original.number);
        int256 change = _update(current, neighbourhood, interval, original, importWh, exportWh);
        emit MeterCorrected(
            neighbourhood,
            interval,
            original.number,
            importWh,
            exportWh,
            current.debit,
            current.credit,
            change,
            reason
        );
        _pay(original.number, interval, change);
    }

    /// @inheritdoc ISettlementCorrections
    function correctionOf(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number
    ) external view returns (Correction memory) {
        return _corrections[keccak256(abi.encode(neighbourhood, interval))][number];
    }

    /// @dev Continues from the predecessor's correction of the meter-interval, if it made one.
    function _carryOver(
        Correction storage current,
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number
    ) private {
        Correction memory before = ISettlementCorrections(previousVersion()).correctionOf(
            neighbourhood,
            interval,
            number
        );
        current.importWh = before.importWh;
        current.exportWh = before.exportWh;
        current.debit = before.debit;
        current.credit = before.credit;
        current.count = before.count;
    }

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    /// @dev The meter's result as settled, after proving `results` against the chunk's hash.
    function _original(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint16 chunk,
        bytes calldata results,
        uint256 position
    ) private view returns (Result memory r) {
        if (!_settlement.isSettled(neighbourhood, interval))
            revert CorrectionIntervalNotSettled(neighbourhood, interval);
        (, bytes32 resultsHash) = _settlement.chunkOf(neighbourhood, interval, chunk);
        if (keccak256(results) != resultsHash) revert CorrectionResultsMismatch(neighbourhood, interval, chunk);
        uint256 meters = results.length / PackedMeters.RESULT_SIZE;
        if (position >= meters) revert CorrectionPositionInvalid(position, meters);
        bytes calldata record = results[position * PackedMeters.RESULT_SIZE:(position + 1) * PackedMeters.RESULT_SIZE];
        r.number = uint32(bytes4(record[0:4]));
        r.importWh = uint32(bytes4(record[4:8]));
        r.exportWh = uint32(bytes4(record[8:12]));
        r.boughtLocally = uint32(bytes4(record[12:16])) + uint32(bytes4(record[20:24]));
        r.soldLocally = uint32(bytes4(record[16:20])) + uint32(bytes4(record[24:28]));
        r.debit = uint64(bytes8(record[28:36]));
        r.credit = uint64(bytes8(record[36:44]));
    }

    /// @dev Stores the correction; returns the money it moves to the owner (credit − debit, new minus
    ///      as it stood).
    function _update(
        Correction storage current,
        NeighbourhoodId neighbourhood,
        uint64 interval,
        Result memory original,
        uint32 importWh,
        uint32 exportWh
    ) private returns (int256 change) {
        bool first = current.count == 0;
        if (importWh == (first ? original.importWh : current.importWh)) {
            if (exportWh == (first ? original.exportWh : current.exportWh)) revert CorrectionUnchanged(original.number);
        }
        (uint256 debitBefore, uint256 creditBefore, uint32 importBefore) = first
            ? (uint256(original.debit), uint256(original.credit), original.importWh)
            : (uint256(current.debit), uint256(current.credit), current.importWh);
        (uint256 debit, uint256 credit) = _corrected(neighbourhood, interval, original, importWh, exportWh);
        change = (int256(credit) - int256(debit)) - (int256(creditBefore) - int256(debitBefore));
        if (_registry.neighbourhoodOf(neighbourhood).costCap) {
            _recordForCap(
                neighbourhood,
                interval,
                original.number,
                int256(debit) - int256(debitBefore),
                importBefore,
                importWh
            );
        }
        current.importWh = importWh;
        current.exportWh = exportWh;
        current.debit = SafeCast.toUint64(debit);
        current.credit = SafeCast.toUint64(credit);
        current.count += 1;
    }

    /// @dev Debit and credit with the corrected energy: the original's, plus (or minus) the difference
    ///      in import at the gross grid price and in export at the feed-in price, each rounded toward
    ///      zero. Computed from the original, so a second correction replaces the first.
    function _corrected(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        Result memory original,
        uint32 importWh,
        uint32 exportWh
    ) private view returns (uint256 debit, uint256 credit) {
        SettlementMath.Prices memory p = _prices(neighbourhood, interval);
        debit = original.debit;
        credit = original.credit;
        // The original's grid import covered at least the energy a lower correction removes, so the
        // subtractions stay at or above zero (see ISettlementCorrections).
        if (importWh >= original.importWh) {
            debit += SettlementMath.gridCost(importWh - original.importWh, p);
        } else {
            debit -= SettlementMath.gridCost(original.importWh - importWh, p);
        }
        if (exportWh >= original.exportWh) credit += (uint256(exportWh - original.exportWh) * p.feedIn) / 1000;
        else credit -= (uint256(original.exportWh - exportWh) * p.feedIn) / 1000;
    }

    function _prices(
        NeighbourhoodId neighbourhood,
        uint64 interval
    ) private view returns (SettlementMath.Prices memory) {
        (ITariffSchedule.Tariff memory tariff, ) = _tariffs.tariffAt(neighbourhood, interval);
        return SettlementMath.prices(tariff);
    }

    /// @dev Tells the cost cap the differences in what the meter paid and what grid-only supply costs.
    function _recordForCap(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number,
        int256 paidChange,
        uint32 importBefore,
        uint32 importWh
    ) private {
        SettlementMath.Prices memory p = _prices(neighbourhood, interval);
        int256 gridOnlyChange =
            int256(SettlementMath.gridCost(importWh, p)) - int256(SettlementMath.gridCost(importBefore, p));
        _costCap.recordCorrection(neighbourhood, interval, number, paidChange, gridOnlyChange);
    }

    /// @dev Moves `change` between the treasury and the owner the meter had in the interval.
    function _pay(uint32 number, uint64 interval, int256 change) private {
        address owner = _registry.meterAt(_registry.meterIdOf(number), interval).owner;
        uint256[] memory changes = new uint256[](1);
        changes[0] = (uint256(_registry.accountNumberOf(owner)) << 64) | uint64(SafeCast.toInt64(change));
        _credit.applyChanges(changes);
    }
}
