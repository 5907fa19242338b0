// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {PoolAllocation} from "./PoolAllocation.sol";
import {Roles} from "./Roles.sol";
import {MeterId, NeighbourhoodId} from "./Units.sol";

/// @title NeighbourhoodSettlement
/// @notice See {INeighbourhoodSettlement}. Rules and rounding are documented in doc/settlement.md and
///         mirrored, to the unit, by packages/core/src/settlement.ts.
contract NeighbourhoodSettlement is INeighbourhoodSettlement, AccessControl {
    /// @notice The most meters one transaction may carry; keeps a batch far below the block gas cap.
    uint256 public constant MAX_BATCH = 200;

    struct Pool {
        uint64[] imports;
        uint64[] exports;
        uint64[] bought;
        uint64[] sold;
        uint64 totalImport;
        uint64 totalExport;
        uint64 local;
    }

    IMeterRegistry private immutable _registry;
    ICreditToken private immutable _credit;
    mapping(NeighbourhoodId neighbourhood => mapping(uint64 interval => IntervalRecord record)) private _intervals;
    mapping(NeighbourhoodId neighbourhood => uint64 interval) private _lastSettled;

    constructor(address admin, address bridge, IMeterRegistry registry, ICreditToken credit) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.BRIDGE, bridge);
        _registry = registry;
        _credit = credit;
    }

    /// @inheritdoc INeighbourhoodSettlement
    function settle(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes32 commitment,
        MeterEnergy[] calldata meters
    ) external onlyRole(Roles.BRIDGE) {
        uint256 n = meters.length;
        if (n == 0) revert SettlementBatchEmpty();
        if (n > MAX_BATCH) revert SettlementBatchTooLarge(n, MAX_BATCH);
        if (_intervals[neighbourhood][interval].settledAt != 0) {
            revert SettlementIntervalAlreadySettled(neighbourhood, interval);
        }
        IMeterRegistry.Tariff memory tariff = _registry.tariffOf(neighbourhood);
        address[] memory owners = _checkMeters(neighbourhood, meters);
        Pool memory pool = _pool(meters);

        _intervals[neighbourhood][interval] = IntervalRecord({
            commitment: commitment,
            settledAt: uint64(block.timestamp),
            meterCount: uint32(n),
            importWh: pool.totalImport,
            exportWh: pool.totalExport,
            localWh: pool.local
        });
        if (interval >= _lastSettled[neighbourhood]) _lastSettled[neighbourhood] = interval + 1;
        emit IntervalSettled(
            neighbourhood,
            interval,
            commitment,
            uint32(n),
            pool.totalImport,
            pool.totalExport,
            pool.local
        );
        _bill(neighbourhood, interval, meters, owners, pool, tariff);
    }

    /// @inheritdoc INeighbourhoodSettlement
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory) {
        return _intervals[neighbourhood][interval];
    }

    /// @inheritdoc INeighbourhoodSettlement
    function lastSettled(NeighbourhoodId neighbourhood) external view returns (uint64 interval, bool any) {
        uint64 next = _lastSettled[neighbourhood];
        return next == 0 ? (0, false) : (next - 1, true);
    }

    /// @dev The community pool: local = min(total import, total export), shared pro rata on both sides.
    function _pool(MeterEnergy[] calldata meters) private pure returns (Pool memory pool) {
        uint256 n = meters.length;
        pool.imports = new uint64[](n);
        pool.exports = new uint64[](n);
        for (uint256 i; i < n; ++i) {
            pool.imports[i] = meters[i].importWh;
            pool.exports[i] = meters[i].exportWh;
            pool.totalImport += meters[i].importWh;
            pool.totalExport += meters[i].exportWh;
        }
        pool.local = pool.totalImport < pool.totalExport ? pool.totalImport : pool.totalExport;
        pool.bought = PoolAllocation.allocate(pool.imports, pool.totalImport, pool.local);
        pool.sold = PoolAllocation.allocate(pool.exports, pool.totalExport, pool.local);
    }

    /// @dev Prices each meter's energy, reports it, and moves the money.
    function _bill(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        MeterEnergy[] calldata meters,
        address[] memory owners,
        Pool memory pool,
        IMeterRegistry.Tariff memory tariff
    ) private {
        uint256 n = meters.length;
        uint256[] memory debits = new uint256[](n);
        uint256[] memory credits = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            debits[i] =
                _price(pool.bought[i], tariff.communityPrice) +
                _price(pool.imports[i] - pool.bought[i], tariff.gridPrice);
            credits[i] =
                _price(pool.sold[i], tariff.communityPrice) +
                _price(pool.exports[i] - pool.sold[i], tariff.feedInPrice);
            emit MeterSettled(
                neighbourhood,
                interval,
                meters[i].meter,
                pool.imports[i],
                pool.exports[i],
                pool.bought[i],
                pool.sold[i],
                debits[i],
                credits[i]
            );
        }
        _moveMoney(owners, debits, credits);
    }

    /// @dev Net per meter against the treasury: first every charge (what cannot be covered becomes
    ///      debt), then every payment, so producers are paid in full from what came in.
    function _moveMoney(address[] memory owners, uint256[] memory debits, uint256[] memory credits) private {
        address treasury = _credit.treasury();
        uint256 n = owners.length;
        for (uint256 i; i < n; ++i) {
            if (debits[i] > credits[i]) _credit.charge(owners[i], treasury, debits[i] - credits[i]);
        }
        for (uint256 i; i < n; ++i) {
            if (credits[i] > debits[i]) _credit.pay(treasury, owners[i], credits[i] - debits[i]);
        }
    }

    function _checkMeters(
        NeighbourhoodId neighbourhood,
        MeterEnergy[] calldata meters
    ) private view returns (address[] memory owners) {
        owners = new address[](meters.length);
        bytes32 previous;
        for (uint256 i; i < meters.length; ++i) {
            bytes32 id = MeterId.unwrap(meters[i].meter);
            if (i > 0 && id <= previous) revert SettlementMetersNotAscending(i, meters[i].meter);
            previous = id;
            IMeterRegistry.Meter memory record = _registry.meterOf(meters[i].meter);
            if (NeighbourhoodId.unwrap(record.neighbourhood) != NeighbourhoodId.unwrap(neighbourhood)) {
                revert SettlementMeterNotInNeighbourhood(meters[i].meter, neighbourhood);
            }
            if (!record.active) revert SettlementMeterInactive(meters[i].meter);
            owners[i] = record.owner;
        }
    }

    /// @dev Wh × micro-euro per kWh / 1000, rounded down to the micro-euro.
    function _price(uint64 wh, uint64 microEuroPerKwh) private pure returns (uint256) {
        return (uint256(wh) * microEuroPerKwh) / 1000;
    }
}
