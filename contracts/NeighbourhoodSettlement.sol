// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Roles} from "./Roles.sol";
import {SettlementMath} from "./SettlementMath.sol";
import {AllocationKey, INTERVAL_SECONDS, MeterId, NeighbourhoodId} from "./Units.sol";

/// @title NeighbourhoodSettlement
/// @notice See {INeighbourhoodSettlement}.
contract NeighbourhoodSettlement is INeighbourhoodSettlement, AccessControl {
    using SettlementMath for SettlementMath.Chunk;

    /// @notice The most meters one chunk may carry; keeps a transaction far below the block gas cap.
    uint256 public constant MAX_CHUNK = 200;

    IMeterRegistry private immutable _registry;
    ITariffSchedule private immutable _tariffs;
    IPowerContracts private immutable _contracts;
    ICreditToken private immutable _credit;
    mapping(NeighbourhoodId neighbourhood => mapping(uint64 interval => IntervalRecord record)) private _intervals;
    mapping(bytes32 intervalKey => mapping(uint16 chunk => bytes32 contentHash)) private _chunkHashes;

    struct Context {
        NeighbourhoodId neighbourhood;
        uint64 interval;
        AllocationKey allocationKey;
        MeterId[] ids;
        address[] owners;
    }

    constructor(
        address admin,
        address bridge,
        IMeterRegistry registry,
        ITariffSchedule tariffs,
        IPowerContracts contracts,
        ICreditToken credit
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.BRIDGE, bridge);
        _registry = registry;
        _tariffs = tariffs;
        _contracts = contracts;
        _credit = credit;
    }

    /// @inheritdoc INeighbourhoodSettlement
    function settleChunk(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        MeterEnergy[] calldata meters
    ) external onlyRole(Roles.BRIDGE) {
        _checkShape(neighbourhood, interval, meters.length);
        IntervalRecord storage record = _intervals[neighbourhood][interval];
        if (_alreadyIn(record, neighbourhood, interval, header, chunkIndex, meters)) return;
        Context memory ctx = Context(
            neighbourhood,
            interval,
            _registry.neighbourhoodOf(neighbourhood).allocationKey,
            new MeterId[](meters.length),
            new address[](meters.length)
        );
        _admit(ctx, record, header, chunkIndex);
        _settle(ctx, record, header, chunkIndex, meters);
    }

    /// @inheritdoc INeighbourhoodSettlement
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory) {
        return _intervals[neighbourhood][interval];
    }

    /// @inheritdoc INeighbourhoodSettlement
    function isSettled(NeighbourhoodId neighbourhood, uint64 interval) external view returns (bool) {
        IntervalRecord storage record = _intervals[neighbourhood][interval];
        return record.chunkCount > 0 && record.chunksIn == record.chunkCount;
    }

    function _checkShape(NeighbourhoodId neighbourhood, uint64 interval, uint256 size) private view {
        if (size == 0) revert SettlementBatchEmpty();
        if (size > MAX_CHUNK) revert SettlementBatchTooLarge(size, MAX_CHUNK);
        uint64 closesAt = (interval + 1) * INTERVAL_SECONDS;
        if (block.timestamp < closesAt) revert SettlementIntervalNotClosed(neighbourhood, interval, closesAt);
    }

    /// @dev Contracts first, then the pool, then the grid; records the results and moves the money.
    function _settle(
        Context memory ctx,
        IntervalRecord storage record,
        BatchHeader calldata header,
        uint16 chunkIndex,
        MeterEnergy[] calldata meters
    ) private {
        (ITariffSchedule.Tariff memory tariff, ) = _tariffs.tariffAt(ctx.neighbourhood, ctx.interval);
        SettlementMath.Prices memory prices = SettlementMath.prices(tariff);
        SettlementMath.Chunk memory chunk = _load(ctx, record, meters, prices);
        _serveContracts(ctx, chunk, prices);
        (uint64 demandBefore, uint64 supplyBefore) = _addPoolTotals(record, chunk);
        chunk.sharePool(header, _registry.neighbourhoodOf(ctx.neighbourhood).allocationKey, demandBefore, supplyBefore);
        chunk.bill(prices);
        _record(ctx, record, chunk, chunkIndex, meters);
        if (record.chunksIn == record.chunkCount) _finalise(ctx, record, header);
        _moveMoney(ctx.owners, chunk.results);
    }

    /// @dev True when this exact chunk is already in (a resubmission: no-op); reverts on a conflict.
    function _alreadyIn(
        IntervalRecord storage record,
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        MeterEnergy[] calldata meters
    ) private view returns (bool) {
        bool isFinal = record.chunkCount > 0 && record.chunksIn == record.chunkCount;
        // A final interval takes nothing more: not another batch, not a chunk beyond its last.
        if (isFinal && (header.batchKey != record.batchKey || chunkIndex >= record.chunkCount)) {
            revert SettlementIntervalAlreadySettled(neighbourhood, interval);
        }
        if (chunkIndex >= record.chunksIn) return false;
        bytes32 key = keccak256(abi.encode(neighbourhood, interval));
        if (
            header.batchKey != record.batchKey ||
            keccak256(abi.encode(header)) != record.headerHash ||
            _chunkHashes[key][chunkIndex] != keccak256(abi.encode(meters))
        ) revert SettlementChunkConflict(neighbourhood, interval, chunkIndex);
        return true;
    }

    /// @dev Checks the chunk's place in its batch and stores the header with the first chunk.
    function _admit(
        Context memory ctx,
        IntervalRecord storage record,
        BatchHeader calldata header,
        uint16 chunkIndex
    ) private {
        if (chunkIndex != record.chunksIn) {
            revert SettlementChunkOutOfOrder(ctx.neighbourhood, ctx.interval, record.chunksIn, chunkIndex);
        }
        if (chunkIndex >= header.chunkCount) {
            revert SettlementChunkOutOfOrder(ctx.neighbourhood, ctx.interval, record.chunksIn, chunkIndex);
        }
        bytes32 headerHash = keccak256(abi.encode(header));
        if (chunkIndex > 0) {
            if (headerHash != record.headerHash) revert SettlementHeaderMismatch(ctx.neighbourhood, ctx.interval);
            return;
        }
        if (header.chunkCount == 0) revert SettlementHeaderInvalid("chunkCount");
        uint64 local = header.poolDemandWh < header.poolSupplyWh ? header.poolDemandWh : header.poolSupplyWh;
        if (header.poolBoughtWh > local) revert SettlementHeaderInvalid("poolBoughtWh");
        record.batchKey = header.batchKey;
        record.commitment = header.commitment;
        record.headerHash = headerHash;
        record.chunkCount = header.chunkCount;
    }

    /// @dev Reads each meter from the registry, checks it and its order, and seeds the chunk.
    function _load(
        Context memory ctx,
        IntervalRecord storage record,
        MeterEnergy[] calldata meters,
        SettlementMath.Prices memory prices
    ) private view returns (SettlementMath.Chunk memory chunk) {
        chunk = SettlementMath.newChunk(meters.length);
        bytes32 previous = MeterId.unwrap(record.lastMeter);
        for (uint256 i; i < meters.length; ++i) {
            MeterId id = meters[i].meter;
            if (MeterId.unwrap(id) <= previous) revert SettlementMetersNotAscending(i, id);
            previous = MeterId.unwrap(id);
            IMeterRegistry.Meter memory meter = _registry.meterAt(id, ctx.interval);
            if (NeighbourhoodId.unwrap(meter.neighbourhood) != NeighbourhoodId.unwrap(ctx.neighbourhood)) {
                revert SettlementMeterNotInNeighbourhood(id, ctx.neighbourhood);
            }
            if (!meter.active) revert SettlementMeterInactive(id);
            ctx.ids[i] = id;
            ctx.owners[i] = meter.owner;
            chunk.remainingImport[i] = meters[i].importWh;
            chunk.remainingExport[i] = meters[i].exportWh;
            chunk.results[i].importWh = meters[i].importWh;
            chunk.results[i].exportWh = meters[i].exportWh;
            // Price limits keep a household out of the pool: the most it pays (gross), the least it
            // accepts; 0 means no limit.
            chunk.buysFromPool[i] = meter.maxBuyPrice == 0 || meter.maxBuyPrice >= prices.poolBuyGross;
            chunk.sellsToPool[i] = meter.minSellPrice <= prices.community;
            // Weights count only where the neighbourhood shares by them.
            chunk.shareWeights[i] = ctx.allocationKey == AllocationKey.StaticShares ? meter.shareWeight : 0;
        }
    }

    /// @dev Serves the contracts sold by this chunk's meters before the pool: by seller, then by id.
    function _serveContracts(
        Context memory ctx,
        SettlementMath.Chunk memory chunk,
        SettlementMath.Prices memory prices
    ) private view {
        uint64[] memory ids = _contractsOf(ctx.ids);
        for (uint256 k; k < ids.length; ++k) {
            IPowerContracts.PowerContract memory terms = _contracts.contractOf(ids[k]);
            if (
                terms.status != IPowerContracts.Status.Active ||
                ctx.interval < terms.validFrom ||
                ctx.interval >= terms.validUntil
            ) continue;
            (bool hasSeller, uint256 seller) = _indexOf(ctx.ids, terms.seller);
            (bool hasBuyer, uint256 buyer) = _indexOf(ctx.ids, terms.buyer);
            if (!hasSeller || !hasBuyer) continue;
            chunk.serveContract(prices, seller, buyer, terms.capWh, terms.pricePerKwh);
        }
    }

    /// @dev The ids of the contracts sold by `ids`' meters: by seller in chunk order, then by id.
    function _contractsOf(MeterId[] memory ids) private view returns (uint64[] memory all) {
        uint64[][] memory perMeter = new uint64[][](ids.length);
        uint256 count;
        for (uint256 i; i < ids.length; ++i) {
            perMeter[i] = _contracts.contractsSoldBy(ids[i]);
            count += perMeter[i].length;
        }
        all = new uint64[](count);
        uint256 n;
        for (uint256 i; i < ids.length; ++i) {
            for (uint256 j; j < perMeter[i].length; ++j) all[n++] = perMeter[i][j];
        }
    }

    /// @dev Binary search in the chunk's ascending meter ids.
    function _indexOf(MeterId[] memory ids, MeterId id) private pure returns (bool found, uint256 index) {
        uint256 low;
        uint256 high = ids.length;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            bytes32 value = MeterId.unwrap(ids[mid]);
            if (value == MeterId.unwrap(id)) return (true, mid);
            if (value < MeterId.unwrap(id)) low = mid + 1;
            else high = mid;
        }
        return (false, 0);
    }

    /// @dev Adds this chunk's pool demand, supply and share weights to the interval's running totals.
    /// @return demandBefore The pool demand of the earlier chunks.
    /// @return supplyBefore The pool supply of the earlier chunks.
    function _addPoolTotals(
        IntervalRecord storage record,
        SettlementMath.Chunk memory chunk
    ) private returns (uint64 demandBefore, uint64 supplyBefore) {
        demandBefore = record.poolDemandWh;
        supplyBefore = record.poolSupplyWh;
        uint64 demand;
        uint64 supply;
        uint64 weights;
        for (uint256 i; i < chunk.results.length; ++i) {
            if (chunk.buysFromPool[i]) {
                demand += chunk.remainingImport[i];
                weights += chunk.shareWeights[i];
            }
            if (chunk.sellsToPool[i]) supply += chunk.remainingExport[i];
        }
        record.poolDemandWh += demand;
        record.poolSupplyWh += supply;
        record.shareWeightTotal += weights;
    }

    /// @dev Emits every meter's result and adds the chunk to the interval's record.
    function _record(
        Context memory ctx,
        IntervalRecord storage record,
        SettlementMath.Chunk memory chunk,
        uint16 chunkIndex,
        MeterEnergy[] calldata meters
    ) private {
        uint64 importWh;
        uint64 exportWh;
        uint64 localWh;
        uint64 bought;
        for (uint256 i; i < meters.length; ++i) {
            MeterResult memory r = chunk.results[i];
            importWh += r.importWh;
            exportWh += r.exportWh;
            localWh += r.contractBoughtWh + r.poolBoughtWh;
            bought += r.poolBoughtWh;
            emit MeterSettled(ctx.neighbourhood, ctx.interval, ctx.ids[i], r);
        }
        record.importWh += importWh;
        record.exportWh += exportWh;
        record.localWh += localWh;
        record.poolBoughtWh += bought;
        record.meterCount += uint32(meters.length);
        record.lastMeter = meters[meters.length - 1].meter;
        record.chunksIn = chunkIndex + 1;
        _chunkHashes[keccak256(abi.encode(ctx.neighbourhood, ctx.interval))][chunkIndex] = keccak256(
            abi.encode(meters)
        );
        emit ChunkSettled(ctx.neighbourhood, ctx.interval, chunkIndex, uint32(meters.length));
    }

    /// @dev The last chunk is in: the header's totals must be what the chunks added up to.
    function _finalise(Context memory ctx, IntervalRecord storage record, BatchHeader calldata declared) private {
        _check("poolDemandWh", declared.poolDemandWh, record.poolDemandWh);
        _check("poolSupplyWh", declared.poolSupplyWh, record.poolSupplyWh);
        _check("poolBoughtWh", declared.poolBoughtWh, record.poolBoughtWh);
        _check("shareWeightTotal", declared.shareWeightTotal, record.shareWeightTotal);
        record.settledAt = uint64(block.timestamp);
        emit IntervalSettled(
            ctx.neighbourhood,
            ctx.interval,
            record.commitment,
            record.batchKey,
            record.meterCount,
            record.importWh,
            record.exportWh,
            record.localWh
        );
    }

    function _check(string memory field, uint64 declared, uint64 actual) private pure {
        if (declared != actual) revert SettlementHeaderTotalsMismatch(field, declared, actual);
    }

    /// @dev Net per meter against the treasury: first every charge (what cannot be covered becomes
    ///      debt), then every payment, so producers are paid in full.
    function _moveMoney(address[] memory owners, MeterResult[] memory results) private {
        address treasury = _credit.treasury();
        for (uint256 i; i < owners.length; ++i) {
            if (results[i].debit > results[i].credit) {
                _credit.charge(owners[i], treasury, results[i].debit - results[i].credit);
            }
        }
        for (uint256 i; i < owners.length; ++i) {
            if (results[i].credit > results[i].debit) {
                _credit.pay(treasury, owners[i], results[i].credit - results[i].debit);
            }
        }
    }
}
