// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditToken} from "../CreditToken.sol";
import {INeighbourhoodSettlement as S} from "../interfaces/INeighbourhoodSettlement.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {NeighbourhoodId} from "../Units.sol";
import {Chunks, Result} from "./Chunks.t.sol";
import {TestBase} from "./TestBase.t.sol";

/// @notice Drives the system with random top-ups, pay-outs, settlements in one or two chunks, and
///         attempts to settle again, for the invariant tests. It keeps ghost figures of what went in
///         and out and checks every ChunkSettled result as it comes; the invariants read them. It is
///         the operator and the bridge of the system it drives.
contract SettlementHandler is TestBase {
    /// @notice The one power contract of the neighbourhood, served when both meters share a chunk.
    struct Terms {
        uint32 seller;
        uint32 buyer;
        uint32 capWh;
    }

    /// @notice What went through the handler, for the invariants.
    struct Ghost {
        uint256 toppedUp;
        uint256 paidOut;
        uint256 settlements;
        /// Σ energy bought by contract and from the pool in all results.
        uint256 contractWh;
        uint256 poolWh;
    }

    /// @dev The interval settled last: its header and first chunk, to submit again.
    struct Last {
        S.BatchHeader header;
        bytes firstChunk;
    }

    /// @dev One batch being built: the meters' energy and the header's pool figures.
    struct Batch {
        uint32[] imports;
        uint32[] exports;
        uint256 split;
        S.BatchHeader header;
    }

    CreditToken private immutable _credit;
    NeighbourhoodSettlement private immutable _settlement;
    NeighbourhoodId private immutable _hood;
    /// @dev The owner of meter number i + 1; every one of them is in each batch.
    address[] private _meterOwners;
    /// @dev The accounts topped up and paid out: the owners, then the treasury.
    address[] private _accounts;
    Terms private _terms;
    /// @dev A registered meter that no batch holds, for the attempts to add to a final interval.
    uint32 private immutable _spare;

    Ghost private _ghost;
    Last private _last;
    uint64 public nextInterval;
    /// @notice Each account's position as the ghost figures say it must be.
    mapping(address account => int256 position) public expectedPosition;
    bool public settledTwice;
    bool public refusedForAnotherReason;
    /// @notice A settlement's Σ (credit − debit) was not the opposite of the treasury's change.
    bool public moneyBroken;
    /// @notice A result took more local energy than its meter metered, or the interval's local
    ///         purchases and sales differ.
    bool public energyBroken;

    constructor(
        CreditToken credit,
        NeighbourhoodSettlement settlement,
        NeighbourhoodId hood,
        address[] memory meterOwners,
        Terms memory terms,
        uint32 spare,
        uint64 firstInterval
    ) {
        (_credit, _settlement, _hood, _terms, _spare) = (credit, settlement, hood, terms, spare);
        _meterOwners = meterOwners;
        nextInterval = firstInterval;
        for (uint256 i; i < meterOwners.length; ++i) _addAccount(meterOwners[i]);
        _addAccount(credit.treasury());
    }

    function topUp(uint256 who, uint256 amount) external {
        address account = _accounts[who % _accounts.length];
        amount = bound(amount, 0, 100e6);
        _credit.topUp(account, amount);
        _ghost.toppedUp += amount;
        expectedPosition[account] += int256(amount);
    }

    function payOut(uint256 who, uint256 amount) external {
        address account = _accounts[who % _accounts.length];
        amount = bound(amount, 0, _credit.balanceOf(account));
        _credit.payOut(account, amount);
        _ghost.paidOut += amount;
        expectedPosition[account] -= int256(amount);
    }

    /// @notice Settles the next interval with random energy, in two chunks when `seed` says so.
    function settle(uint256 seed) external {
        Batch memory batch = _randomBatch(seed);
        bytes memory all;
        for (uint256 i; i < batch.imports.length; ++i) {
            all = bytes.concat(all, Chunks.meter(uint32(i + 1), batch.imports[i], batch.exports[i]));
        }
        (bytes memory first, bytes memory second) = Chunks.split(all, batch.split);
        int256 treasuryBefore = _credit.treasuryPosition();
        vm.recordLogs();
        _settlement.settleChunk(_hood, nextInterval, batch.header, 0, first);
        if (batch.header.chunkCount == 2) _settlement.settleChunk(_hood, nextInterval, batch.header, 1, second);
        int256 net = _check(Chunks.settled(vm.getRecordedLogs(), address(_settlement)), all);
        if (net != treasuryBefore - _credit.treasuryPosition()) moneyBroken = true;
        expectedPosition[_credit.treasury()] -= net;
        _last = Last(batch.header, first);
        ++nextInterval;
        ++_ghost.settlements;
    }

    function ghost() external view returns (Ghost memory) {
        return _ghost;
    }

    /// @notice Resubmits the first chunk of the interval settled last: a no-op that moves nothing.
    function resubmit() external {
        if (_ghost.settlements == 0) return;
        int256 treasuryBefore = _credit.treasuryPosition();
        _settlement.settleChunk(_hood, nextInterval - 1, _last.header, 0, _last.firstChunk);
        if (_credit.treasuryPosition() != treasuryBefore) settledTwice = true;
    }

    /// @notice Tries to add a chunk beyond the last to the interval settled last, with its own header.
    function settleBeyondLast(uint256 seed) external {
        if (_ghost.settlements == 0) return;
        bytes memory chunk = Chunks.meter(_spare, uint32(seed % 1000), 0);
        _expectRefusal(nextInterval - 1, _last.header, _last.header.chunkCount, chunk);
    }

    /// @notice Tries to settle an interval that has settled again, in another batch.
    function settleAgain(uint256 which, uint256 seed) external {
        uint256 settled = _ghost.settlements;
        if (settled == 0) return;
        uint64 interval = uint64(nextInterval - settled + (which % settled));
        uint32 importWh = uint32(seed % 1000);
        bytes memory chunk = Chunks.meter(_spare, importWh, 0);
        S.BatchHeader memory header = S.BatchHeader(keccak256(abi.encode("again", seed)), 0, 1, importWh, 0, 0, 0);
        _expectRefusal(interval, header, 0, chunk);
    }

    function _expectRefusal(uint64 interval, S.BatchHeader memory header, uint16 index, bytes memory chunk) private {
        try _settlement.settleChunk(_hood, interval, header, index, chunk) {
            settledTwice = true;
        } catch (bytes memory reason) {
            bytes memory expected = abi.encodeWithSelector(
                S.SettlementIntervalAlreadySettled.selector,
                _hood,
                interval
            );
            if (keccak256(reason) != keccak256(expected)) refusedForAnotherReason = true;
        }
    }

    /// @dev Random energy per meter, a split into one or two chunks, and the header that goes with
    ///      them: the contract first (when served), then the pool pro rata.
    function _randomBatch(uint256 seed) private view returns (Batch memory b) {
        uint256 n = _meterOwners.length;
        (b.imports, b.exports) = (new uint32[](n), new uint32[](n));
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            b.imports[i] = r % 3 == 0 ? 0 : uint32(r % 60_000);
            b.exports[i] = r % 2 == 0 ? 0 : uint32((r >> 64) % 60_000);
        }
        b.split = seed % 3 == 0 ? n : 1 + ((seed >> 8) % (n - 1));
        uint64[] memory demand = new uint64[](n);
        uint64[] memory supply = new uint64[](n);
        for (uint256 i; i < n; ++i) (demand[i], supply[i]) = (b.imports[i], b.exports[i]);
        (uint256 s, uint256 k) = (_terms.seller - 1, _terms.buyer - 1);
        if ((s < b.split) == (k < b.split)) {
            uint64 wh = _min(_terms.capWh, _min(supply[s], demand[k]));
            (supply[s], demand[k]) = (supply[s] - wh, demand[k] - wh);
        }
        for (uint256 i; i < n; ++i) {
            b.header.poolDemandWh += demand[i];
            b.header.poolSupplyWh += supply[i];
        }
        b.header.poolBoughtWh = _min(b.header.poolDemandWh, b.header.poolSupplyWh);
        b.header.batchKey = keccak256(abi.encode(seed));
        b.header.chunkCount = b.split == n ? 1 : 2;
    }

    /// @dev Checks the results of one interval against the meters sent and books them on the ghost
    ///      positions. @return net Σ (credit − debit).
    function _check(bytes[] memory results, bytes memory sent) private returns (int256 net) {
        (uint256 bought, uint256 sold, uint256 k) = (0, 0, 0);
        for (uint256 c; c < results.length; ++c) {
            for (uint256 i; i < results[c].length / Chunks.RESULT_SIZE; ++i) {
                Result memory r = Chunks.result(results[c], i);
                (uint32 number, uint32 importWh, uint32 exportWh) = Chunks.at(sent, k++);
                if (r.number != number || r.importWh != importWh || r.exportWh != exportWh) energyBroken = true;
                if (uint256(r.contractBoughtWh) + r.poolBoughtWh > r.importWh) energyBroken = true;
                if (uint256(r.contractSoldWh) + r.poolSoldWh > r.exportWh) energyBroken = true;
                bought += uint256(r.contractBoughtWh) + r.poolBoughtWh;
                _ghost.contractWh += r.contractBoughtWh;
                _ghost.poolWh += r.poolBoughtWh;
                sold += uint256(r.contractSoldWh) + r.poolSoldWh;
                int256 change = int256(uint256(r.credit)) - int256(uint256(r.debit));
                expectedPosition[_meterOwners[r.number - 1]] += change;
                net += change;
            }
        }
        if (bought != sold || k != Chunks.count(sent)) energyBroken = true;
    }

    function _addAccount(address account) private {
        for (uint256 i; i < _accounts.length; ++i) if (_accounts[i] == account) return;
        _accounts.push(account);
        expectedPosition[account] = _credit.positionOf(account);
    }

    function _min(uint64 a, uint64 b) private pure returns (uint64) {
        return a < b ? a : b;
    }
}
