// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {BillingMonth} from "./BillingMonth.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Migratable} from "./Migratable.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {SettlementMath} from "./SettlementMath.sol";
import {INTERVAL_SECONDS, NeighbourhoodId} from "./Units.sol";

/// @title CostCap
/// @notice See {ICostCap}. A meter's month sums (paid, grid-only: 64 bits each) lie two meters to a
///         slot, so recording a chunk costs about half a storage write per meter (ADR 0005). A
///         successor copies every meter's month account for the month its first interval falls in and
///         the month before, the only months still open then (ADR 0009).
contract CostCap is ICostCap, AccessControl, Migratable {
    uint256 private constant MASK64 = type(uint64).max;

    IMeterRegistry private immutable _registry;
    ITariffSchedule private immutable _tariffs;
    ICreditToken private immutable _credit;
    mapping(bytes32 monthKey => mapping(uint256 pair => uint256 sums)) private _sums;
    mapping(bytes32 monthKey => mapping(uint32 number => uint64 amount)) private _credited;
    /// @dev While importing: meters whose open months are copied.
    uint32 private _copiedMeters;

    constructor(address admin, IMeterRegistry registry, ITariffSchedule tariffs, ICreditToken credit) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _registry = registry;
        _tariffs = tariffs;
        _credit = credit;
    }

    /// @inheritdoc ICostCap
    function recordChunk(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes calldata results
    ) external onlyRole(Roles.SETTLEMENT) {
        SettlementMath.Prices memory p = _prices(neighbourhood, interval);
        mapping(uint256 => uint256) storage sums = _sums[_monthKey(neighbourhood, BillingMonth.monthOf(interval))];
        uint256 pair = type(uint256).max;
        uint256 slot;
        for (uint256 i; i < results.length / PackedMeters.RESULT_SIZE; ++i) {
            uint256 word;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                word := calldataload(add(results.offset, mul(i, 44)))
            }
            uint256 number = word >> 224;
            // Neighbouring meters share a slot: write it once when the next meter leaves it.
            if (number >> 1 != pair) {
                if (pair != type(uint256).max) sums[pair] = slot;
                pair = number >> 1;
                slot = sums[pair];
            }
            uint256 importWh = (word >> 192) & 0xffffffff;
            uint256 debit = uint64(
                bytes8(results[i * PackedMeters.RESULT_SIZE + 28:i * PackedMeters.RESULT_SIZE + 36])
            );
            slot = _add(slot, number, int256(debit), int256(SettlementMath.gridCost(importWh, p)));
        }
        if (pair != type(uint256).max) sums[pair] = slot;
    }

    /// @inheritdoc ICostCap
    function recordCorrection(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number,
        int256 paidChange,
        int256 gridOnlyChange
    ) external onlyRole(Roles.SETTLEMENT) {
        mapping(uint256 => uint256) storage sums = _sums[_monthKey(neighbourhood, BillingMonth.monthOf(interval))];
        sums[number >> 1] = _add(sums[number >> 1], number, paidChange, gridOnlyChange);
    }

    /// @inheritdoc ICostCap
    function closeMonth(NeighbourhoodId neighbourhood, uint32 month, uint32[] calldata numbers) external whenCurrent {
        if (!_registry.neighbourhoodOf(neighbourhood).costCap) revert CostCapNotEnabled(neighbourhood);
        uint64 endsAt = BillingMonth.firstInterval(BillingMonth.next(month));
        if (block.timestamp < uint256(endsAt) * INTERVAL_SECONDS) revert CostCapMonthNotOver(month, endsAt);
        bytes32 key = _monthKey(neighbourhood, month);
        uint256[] memory changes = new uint256[](numbers.length);
        uint256 count;
        for (uint256 i; i < numbers.length; ++i) {
            uint32 number = numbers[i];
            IMeterRegistry.Meter memory meter = _registry.meterOf(_registry.meterIdOf(number));
            if (NeighbourhoodId.unwrap(meter.neighbourhood) != NeighbourhoodId.unwrap(neighbourhood)) {
                revert CostCapMeterNotInNeighbourhood(number, neighbourhood);
            }
            MonthAccount memory account = _account(key, number);
            uint64 due = account.paid > account.gridOnly ? account.paid - account.gridOnly : 0;
            if (due <= account.credited) continue;
            uint64 amount = uint64(SafeCast.toInt64(int256(uint256(due - account.credited))));
            changes[count++] = (uint256(_registry.accountNumberOf(meter.owner)) << 64) | amount;
            _credited[key][number] = due;
            emit CostCapCredited(neighbourhood, month, number, account.paid, account.gridOnly, due);
        }
        // Only the meters credited now.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(changes, count)
        }
        _credit.applyChanges(changes);
    }

    /// @inheritdoc ICostCap
    function monthAccountOf(
        NeighbourhoodId neighbourhood,
        uint32 month,
        uint32 number
    ) external view returns (MonthAccount memory) {
        return _account(_monthKey(neighbourhood, month), number);
    }

    /// @inheritdoc ICostCap
    function monthOf(uint64 interval) external pure returns (uint32) {
        return BillingMonth.monthOf(interval);
    }

    /// @inheritdoc ICostCap
    function firstIntervalOf(uint32 month) external pure returns (uint64) {
        return BillingMonth.firstInterval(month);
    }

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    function _startImport(address) internal view override {
        _predecessorOf(address(_registry));
    }

    /// @dev Meters in the predecessor's registry order.
    function _copy(address previous, uint256 max) internal override returns (uint256 copied) {
        IMeterRegistry registry = IMeterRegistry(_predecessorOf(address(_registry)));
        (, uint32 meters, ) = registry.counts();
        uint32 month = BillingMonth.monthOf(firstInterval());
        uint32 before = month % 100 == 1 ? (month / 100 - 1) * 100 + 12 : month - 1;
        for (; copied < max && _copiedMeters < meters; ++copied) {
            uint32 number = ++_copiedMeters;
            NeighbourhoodId hood = registry.meterOf(registry.meterIdOf(number)).neighbourhood;
            _copyMonth(ICostCap(previous), hood, before, number);
            _copyMonth(ICostCap(previous), hood, month, number);
        }
    }

    function _copyMonth(ICostCap prev, NeighbourhoodId neighbourhood, uint32 month, uint32 number) private {
        MonthAccount memory account = prev.monthAccountOf(neighbourhood, month, number);
        if (account.paid == 0 && account.gridOnly == 0 && account.credited == 0) return;
        bytes32 key = _monthKey(neighbourhood, month);
        _sums[key][number >> 1] = _add(
            _sums[key][number >> 1],
            number,
            int256(uint256(account.paid)),
            int256(uint256(account.gridOnly))
        );
        _credited[key][number] = account.credited;
    }

    function _progress() internal view override returns (string memory, uint256, uint256) {
        (, uint32 meters, ) = IMeterRegistry(_predecessorOf(address(_registry))).counts();
        return ("meters", _copiedMeters, meters);
    }

    function _account(bytes32 key, uint32 number) private view returns (MonthAccount memory account) {
        uint256 lane = (_sums[key][number >> 1] >> ((number & 1) * 128)) & type(uint128).max;
        account.paid = uint64(lane);
        account.gridOnly = uint64(lane >> 64);
        account.credited = _credited[key][number];
    }

    /// @dev `slot` with meter `number`'s paid and grid-only sums moved by the changes.
    function _add(uint256 slot, uint256 number, int256 paid, int256 gridOnly) private pure returns (uint256) {
        uint256 shift = (number & 1) * 128;
        uint256 lane = slot >> shift;
        uint256 newPaid = SafeCast.toUint256(int256(lane & MASK64) + paid);
        uint256 newGridOnly = SafeCast.toUint256(int256((lane >> 64) & MASK64) + gridOnly);
        uint256 packed = SafeCast.toUint64(newPaid) | (uint256(SafeCast.toUint64(newGridOnly)) << 64);
        return (slot & ~(uint256(type(uint128).max) << shift)) | (packed << shift);
    }

    function _prices(
        NeighbourhoodId neighbourhood,
        uint64 interval
    ) private view returns (SettlementMath.Prices memory) {
        (ITariffSchedule.Tariff memory tariff, ) = _tariffs.tariffAt(neighbourhood, interval);
        return SettlementMath.prices(tariff);
    }

    function _monthKey(NeighbourhoodId neighbourhood, uint32 month) private pure returns (bytes32) {
        return keccak256(abi.encode(neighbourhood, month));
    }
}
