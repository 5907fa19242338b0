// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Migratable} from "./Migratable.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {SettlementMath} from "./SettlementMath.sol";
import {AllocationKey, INTERVAL_SECONDS, NeighbourhoodId} from "./Units.sol";

/// @title NeighbourhoodSettlement
/// @notice See {INeighbourhoodSettlement}. A successor copies nothing: it settles the intervals from its
///         first interval on, and earlier ones only when the predecessor has no chunk of them (a late
///         interval); its views answer for the predecessor's intervals by asking it, so corrections and
///         readers see one history.
contract NeighbourhoodSettlement is INeighbourhoodSettlement, AccessControl, Migratable {
    using SettlementMath for SettlementMath.Deliveries;

    /// @notice The most meters one chunk may carry. The bridge sizes chunks by their gas (ADR 0005);
    ///         this bound only keeps calldata sane.
    uint256 public constant MAX_CHUNK = 5000;
    /// @notice Bytes per meter in {ChunkSettled}'s results.
    uint256 public constant RESULT_SIZE = PackedMeters.RESULT_SIZE;
    uint256 private constant MAX_AMOUNT = uint256(int256(type(int64).max));

    struct ChunkRecord {
        bytes32 contentHash;
        bytes32 resultsHash;
    }

    IMeterRegistry private immutable _registry;
    ITariffSchedule private immutable _tariffs;
    IPowerContracts private immutable _contracts;
    ICreditToken private immutable _credit;
    ICostCap private immutable _costCap;
    mapping(NeighbourhoodId neighbourhood => mapping(uint64 interval => IntervalRecord record)) private _intervals;
    mapping(bytes32 intervalKey => mapping(uint16 chunk => ChunkRecord record)) private _chunks;
    /// @dev One bit per meter number settled in the interval: a meter settles once, whatever the chunks.
    mapping(bytes32 intervalKey => mapping(uint256 word => uint256 bits)) private _settled;

    /// @dev A chunk's energy totals, added to the interval's record.
    struct Sums {
        uint64 importWh;
        uint64 exportWh;
        uint64 localWh;
        uint64 poolBoughtWh;
    }

    /// @dev What one chunk works with besides its calldata.
    struct Context {
        NeighbourhoodId neighbourhood;
        uint64 interval;
        bytes32 key;
        AllocationKey allocationKey;
        /// Whether the neighbourhood caps each household's month at grid-only cost (ICostCap).
        bool costCap;
        SettlementMath.Prices prices;
        /// From the registry: account number, price limits and share weight per meter; then, once
        /// billed, the account's change for the ledger (ICreditToken.applyChanges).
        uint256[] words;
        /// The chunk's results as ChunkSettled carries them, and its energy sums.
        bytes results;
        Sums sums;
    }

    constructor(
        address admin,
        address bridge,
        IMeterRegistry registry,
        ITariffSchedule tariffs,
        IPowerContracts contracts,
        ICreditToken credit,
        ICostCap costCap
    ) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.BRIDGE, bridge);
        _registry = registry;
        _tariffs = tariffs;
        _contracts = contracts;
        _credit = credit;
        _costCap = costCap;
    }

    /// @inheritdoc INeighbourhoodSettlement
    function settleChunk(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        bytes calldata meters
    ) external onlyRole(Roles.BRIDGE) {
        uint256 n = PackedMeters.count(meters);
        _checkShape(neighbourhood, interval, n);
        IntervalRecord storage record = _intervals[neighbourhood][interval];
        bytes32 key = keccak256(abi.encode(neighbourhood, interval));
        if (_alreadyIn(record, key, neighbourhood, interval, header, chunkIndex, meters)) return;
        _admit(neighbourhood, interval, record, header, chunkIndex);
        Context memory ctx = _context(neighbourhood, interval, key, meters);
        _settle(ctx, record, header, meters, n);
        _record(ctx, record, chunkIndex, meters);
        if (record.chunksIn == record.chunkCount) _finalise(ctx, record, header);
        _credit.applyChanges(ctx.words);
        if (ctx.costCap) _costCap.recordChunk(neighbourhood, interval, ctx.results);
    }

    /// @dev Contracts first, then the pool, then the grid: the chunk's results and energy sums.
    function _settle(
        Context memory ctx,
        IntervalRecord storage record,
        BatchHeader calldata header,
        bytes calldata meters,
        uint256 n
    ) private {
        (ctx.sums.importWh, ctx.sums.exportWh) = _markSettled(_settled[ctx.key], meters, n);
        SettlementMath.Deliveries memory delivered = _serveContracts(ctx, meters, n);
        SettlementMath.Pool memory pool = _pool(ctx, record, header);
        // 24 spare bytes: each record's last 8-byte field is written with a 32-byte store.
        bytes memory results = new bytes(n * RESULT_SIZE + 24);
        ctx.results = results;
        for (uint256 i; i < n; ++i) _settleMeter(ctx, pool, delivered, meters, i);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(results, mul(n, 44))
        }
        ctx.sums.localWh = uint64(delivered.totalWh + pool.chunkBought);
        ctx.sums.poolBoughtWh = uint64(pool.chunkBought);
        record.poolDemandWh += uint64(pool.chunkDemand);
        record.poolSupplyWh += uint64(pool.chunkSupply);
        record.shareWeightTotal += uint64(pool.chunkWeights);
    }

    /// @dev The pool as the header declares it, with the running sums of the interval's earlier chunks.
    function _pool(
        Context memory ctx,
        IntervalRecord storage record,
        BatchHeader calldata header
    ) private view returns (SettlementMath.Pool memory pool) {
        pool.key = ctx.allocationKey;
        pool.demand = header.poolDemandWh;
        pool.supply = header.poolSupplyWh;
        pool.bought = header.poolBoughtWh;
        pool.weightTotal = header.shareWeightTotal;
        pool.local = pool.demand < pool.supply ? pool.demand : pool.supply;
        pool.demandBefore = record.poolDemandWh;
        pool.supplyBefore = record.poolSupplyWh;
    }

    /// @dev Settles meter `i`: writes its result (RESULT_SIZE bytes) and turns its registry word into
    ///      its owner's change for the ledger: account number
    ///      (bits 64–95), credit − debit as int64 (bits 0–63).
    function _settleMeter(
        Context memory ctx,
        SettlementMath.Pool memory pool,
        SettlementMath.Deliveries memory delivered,
        bytes calldata meters,
        uint256 i
    ) private pure {
        uint256 meter = PackedMeters.word(meters, i);
        (uint256 flows, uint256 debit, uint256 credit) = SettlementMath.settleMeter(
            pool,
            ctx.prices,
            meter,
            ctx.words[i],
            delivered,
            i
        );
        // Results and ledger hold money as 64-bit; no real interval comes near (9.2 trillion euros).
        if (debit > MAX_AMOUNT || credit > MAX_AMOUNT) revert SettlementAmountTooLarge(i, debit, credit);
        // The record: number, import and export as in calldata, then the flows, debit and credit; each
        // a left-aligned 32-byte store that the next one overwrites past its own width.
        bytes memory results = ctx.results;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let p := add(add(results, 32), mul(i, 44))
            mstore(p, meter)
            mstore(add(p, 12), shl(128, flows))
            mstore(add(p, 28), shl(192, debit))
            mstore(add(p, 36), shl(192, credit))
        }
        unchecked {
            ctx.words[i] = ((ctx.words[i] & 0xffffffff) << 64) | uint64(int64(int256(credit) - int256(debit)));
        }
    }

    /// @inheritdoc INeighbourhoodSettlement
    function intervalOf(NeighbourhoodId neighbourhood, uint64 interval) external view returns (IntervalRecord memory) {
        INeighbourhoodSettlement previous = _settledBefore(neighbourhood, interval);
        if (address(previous) != address(0)) return previous.intervalOf(neighbourhood, interval);
        return _intervals[neighbourhood][interval];
    }

    /// @inheritdoc INeighbourhoodSettlement
    function isSettled(NeighbourhoodId neighbourhood, uint64 interval) external view returns (bool) {
        INeighbourhoodSettlement previous = _settledBefore(neighbourhood, interval);
        if (address(previous) != address(0)) return previous.isSettled(neighbourhood, interval);
        IntervalRecord storage record = _intervals[neighbourhood][interval];
        return record.chunkCount > 0 && record.chunksIn == record.chunkCount;
    }

    /// @inheritdoc INeighbourhoodSettlement
    function chunkOf(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint16 chunk
    ) external view returns (bytes32 contentHash, bytes32 resultsHash) {
        INeighbourhoodSettlement previous = _settledBefore(neighbourhood, interval);
        if (address(previous) != address(0)) return previous.chunkOf(neighbourhood, interval, chunk);
        ChunkRecord storage record = _chunks[keccak256(abi.encode(neighbourhood, interval))][chunk];
        return (record.contentHash, record.resultsHash);
    }

    /// @inheritdoc INeighbourhoodSettlement
    function isMeterSettled(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        uint32 number
    ) external view returns (bool) {
        INeighbourhoodSettlement previous = _settledBefore(neighbourhood, interval);
        if (address(previous) != address(0)) return previous.isMeterSettled(neighbourhood, interval, number);
        uint256 bits = _settled[keccak256(abi.encode(neighbourhood, interval))][number >> 8];
        return (bits >> (number & 255)) & 1 == 1;
    }

    /// @dev The predecessor when it holds the interval: one before this version's first interval of
    ///      which nothing was settled here. Zero otherwise.
    function _settledBefore(
        NeighbourhoodId neighbourhood,
        uint64 interval
    ) private view returns (INeighbourhoodSettlement) {
        (address previous, uint64 first, ) = _versionSlot();
        if (interval >= first || _intervals[neighbourhood][interval].chunksIn != 0)
            return INeighbourhoodSettlement(address(0));
        return INeighbourhoodSettlement(previous);
    }

    /// @dev A new interval only in a current version, and not one the predecessor has begun.
    function _checkVersion(NeighbourhoodId neighbourhood, uint64 interval) private view {
        (address previous, uint64 first, Phase phase) = _versionSlot();
        if (phase == Phase.Importing || phase == Phase.Retired) revert MigrationNotCurrent(phase);
        if (interval < first && INeighbourhoodSettlement(previous).intervalOf(neighbourhood, interval).chunksIn != 0) {
            revert SettlementIntervalInPreviousVersion(neighbourhood, interval, previous);
        }
    }

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    function _checkShape(NeighbourhoodId neighbourhood, uint64 interval, uint256 size) private view {
        if (size == 0) revert SettlementBatchEmpty();
        if (size > MAX_CHUNK) revert SettlementBatchTooLarge(size, MAX_CHUNK);
        uint64 closesAt = (interval + 1) * INTERVAL_SECONDS;
        if (block.timestamp < closesAt) revert SettlementIntervalNotClosed(neighbourhood, interval, closesAt);
    }

    /// @dev True when this exact chunk is already in (a resubmission: no-op); reverts on a conflict.
    function _alreadyIn(
        IntervalRecord storage record,
        bytes32 key,
        NeighbourhoodId neighbourhood,
        uint64 interval,
        BatchHeader calldata header,
        uint16 chunkIndex,
        bytes calldata meters
    ) private view returns (bool) {
        bool isFinal = record.chunkCount > 0 && record.chunksIn == record.chunkCount;
        // A final interval takes nothing more: not another batch, not a chunk beyond its last.
        if (isFinal && (header.batchKey != record.batchKey || chunkIndex >= record.chunkCount)) {
            revert SettlementIntervalAlreadySettled(neighbourhood, interval);
        }
        if (chunkIndex >= record.chunksIn) return false;
        if (
            header.batchKey != record.batchKey ||
            keccak256(abi.encode(header)) != record.headerHash ||
            _chunks[key][chunkIndex].contentHash != keccak256(meters)
        ) revert SettlementChunkConflict(neighbourhood, interval, chunkIndex);
        return true;
    }

    /// @dev Checks the chunk's place in its batch and stores the header with the first chunk.
    function _admit(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        IntervalRecord storage record,
        BatchHeader calldata header,
        uint16 chunkIndex
    ) private {
        if (chunkIndex != record.chunksIn || chunkIndex >= header.chunkCount) {
            revert SettlementChunkOutOfOrder(neighbourhood, interval, record.chunksIn, chunkIndex);
        }
        bytes32 headerHash = keccak256(abi.encode(header));
        if (chunkIndex > 0) {
            if (headerHash != record.headerHash) revert SettlementHeaderMismatch(neighbourhood, interval);
            return;
        }
        _checkVersion(neighbourhood, interval);
        uint64 local = header.poolDemandWh < header.poolSupplyWh ? header.poolDemandWh : header.poolSupplyWh;
        if (header.poolBoughtWh > local) revert SettlementHeaderInvalid("poolBoughtWh");
        record.batchKey = header.batchKey;
        record.commitment = header.commitment;
        record.headerHash = headerHash;
        record.chunkCount = header.chunkCount;
    }

    function _context(
        NeighbourhoodId neighbourhood,
        uint64 interval,
        bytes32 key,
        bytes calldata meters
    ) private view returns (Context memory ctx) {
        (ITariffSchedule.Tariff memory tariff, ) = _tariffs.tariffAt(neighbourhood, interval);
        ctx.neighbourhood = neighbourhood;
        ctx.interval = interval;
        ctx.key = key;
        IMeterRegistry.Neighbourhood memory rules = _registry.neighbourhoodOf(neighbourhood);
        ctx.allocationKey = rules.allocationKey;
        ctx.costCap = rules.costCap;
        ctx.prices = SettlementMath.prices(tariff);
        ctx.words = _registry.settlementWords(neighbourhood, interval, meters);
    }

    /// @return importWh Σ the chunk's import.
    /// @return exportWh Σ the chunk's export.
    function _markSettled(
        mapping(uint256 => uint256) storage settled,
        bytes calldata meters,
        uint256 n
    ) private returns (uint64 importWh, uint64 exportWh) {
        uint256 previous;
        uint256 slot = type(uint256).max;
        uint256 bits;
        for (uint256 i; i < n; ++i) {
            uint256 meter = PackedMeters.word(meters, i);
            uint256 number = meter >> 224;
            // 32-bit energies of at most MAX_CHUNK meters: the sums fit 64 bits.
            unchecked {
                importWh += uint64(PackedMeters.importOf(meter));
                exportWh += uint64(PackedMeters.exportOf(meter));
            }
            if (number <= previous) revert SettlementMetersNotAscending(i, uint32(number));
            previous = number;
            // Ascending numbers share bitmap words: write each word once.
            if (number >> 8 != slot) {
                if (slot != type(uint256).max) settled[slot] = bits;
                slot = number >> 8;
                bits = settled[slot];
            }
            uint256 bit = uint256(1) << (number & 255);
            if (bits & bit != 0) revert SettlementMeterTwice(uint32(number));
            bits |= bit;
        }
        settled[slot] = bits;
    }

    /// @dev Serves the contracts sold by this chunk's meters before the pool: by seller, then by id.
    function _serveContracts(
        Context memory ctx,
        bytes calldata meters,
        uint256 n
    ) private view returns (SettlementMath.Deliveries memory delivered) {
        uint256[] memory terms = _contracts.contractsFor(meters, ctx.interval);
        if (terms.length == 0) return delivered;
        delivered.flows = new uint256[](n);
        delivered.value = new uint256[](n);
        for (uint256 k; k < terms.length; ++k) {
            uint256 t = terms[k];
            uint256 seller = t & 0xffffffff;
            uint256 buyer = (t >> 32) & 0xffffffff;
            delivered.deliver(
                ctx.prices,
                seller,
                buyer,
                PackedMeters.exportOf(PackedMeters.word(meters, seller)),
                PackedMeters.importOf(PackedMeters.word(meters, buyer)),
                (t >> 96) & 0xffffffff,
                (t >> 64) & 0xffffffff
            );
        }
    }

    /// @dev Emits the chunk's results and adds the chunk to the interval's record.
    function _record(
        Context memory ctx,
        IntervalRecord storage record,
        uint16 chunkIndex,
        bytes calldata meters
    ) private {
        Sums memory sums = ctx.sums;
        record.importWh += sums.importWh;
        record.exportWh += sums.exportWh;
        record.localWh += sums.localWh;
        record.poolBoughtWh += sums.poolBoughtWh;
        record.meterCount += uint32(meters.length / PackedMeters.SIZE);
        record.chunksIn = chunkIndex + 1;
        _chunks[ctx.key][chunkIndex] = ChunkRecord(keccak256(meters), keccak256(ctx.results));
        emit ChunkSettled(ctx.neighbourhood, ctx.interval, chunkIndex, ctx.results);
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
}
