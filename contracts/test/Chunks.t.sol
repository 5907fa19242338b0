// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {INeighbourhoodSettlement as S} from "../interfaces/INeighbourhoodSettlement.sol";
import {Vm} from "./TestBase.t.sol";

/// @notice One meter's line in a ChunkSettled event (44 bytes, see INeighbourhoodSettlement).
struct Result {
    uint32 number;
    uint32 importWh;
    uint32 exportWh;
    uint32 contractBoughtWh;
    uint32 contractSoldWh;
    uint32 poolBoughtWh;
    uint32 poolSoldWh;
    uint64 debit;
    uint64 credit;
}

/// @notice Builds and reads the packed bytes of settlement in tests: chunks (PackedMeters, 12 bytes per
///         meter) and results (44 bytes per meter), in memory.
library Chunks {
    uint256 internal constant METER_SIZE = 12;
    uint256 internal constant RESULT_SIZE = 44;

    /// @return One meter in the PackedMeters layout.
    function meter(uint32 number, uint32 importWh, uint32 exportWh) internal pure returns (bytes memory) {
        return abi.encodePacked(number, importWh, exportWh);
    }

    function count(bytes memory meters) internal pure returns (uint256) {
        return meters.length / METER_SIZE;
    }

    /// @return number The meter number at position `i`, with its import and export.
    function at(
        bytes memory meters,
        uint256 i
    ) internal pure returns (uint32 number, uint32 importWh, uint32 exportWh) {
        uint256 o = i * METER_SIZE;
        number = uint32(_uint(meters, o, 4));
        importWh = uint32(_uint(meters, o + 4, 4));
        exportWh = uint32(_uint(meters, o + 8, 4));
    }

    /// @return out The bytes [from, to) of `data`.
    function slice(bytes memory data, uint256 from, uint256 to) internal pure returns (bytes memory out) {
        out = new bytes(to - from);
        for (uint256 i; i < out.length; ++i) out[i] = data[from + i];
    }

    /// @return first The first `at` meters of `meters`.
    /// @return second The rest.
    function split(bytes memory meters, uint256 at_) internal pure returns (bytes memory first, bytes memory second) {
        first = slice(meters, 0, at_ * METER_SIZE);
        second = slice(meters, at_ * METER_SIZE, meters.length);
    }

    /// @return header The header of a batch without contracts or price limits, under pro rata: every
    ///         import is pool demand, every export pool supply, and the pool hands out min(demand, supply).
    function proRataHeader(
        bytes memory meters,
        uint16 chunkCount,
        bytes32 commitment
    ) internal pure returns (S.BatchHeader memory header) {
        for (uint256 i; i < count(meters); ++i) {
            (, uint32 importWh, uint32 exportWh) = at(meters, i);
            header.poolDemandWh += importWh;
            header.poolSupplyWh += exportWh;
        }
        header.poolBoughtWh = header.poolDemandWh < header.poolSupplyWh ? header.poolDemandWh : header.poolSupplyWh;
        header.batchKey = keccak256(meters);
        header.commitment = commitment;
        header.chunkCount = chunkCount;
    }

    /// @return r The result of meter `i` in a ChunkSettled event's `results`.
    function result(bytes memory results, uint256 i) internal pure returns (Result memory r) {
        uint256 o = i * RESULT_SIZE;
        r.number = uint32(_uint(results, o, 4));
        r.importWh = uint32(_uint(results, o + 4, 4));
        r.exportWh = uint32(_uint(results, o + 8, 4));
        r.contractBoughtWh = uint32(_uint(results, o + 12, 4));
        r.contractSoldWh = uint32(_uint(results, o + 16, 4));
        r.poolBoughtWh = uint32(_uint(results, o + 20, 4));
        r.poolSoldWh = uint32(_uint(results, o + 24, 4));
        r.debit = uint64(_uint(results, o + 28, 8));
        r.credit = uint64(_uint(results, o + 36, 8));
    }

    /// @return One meter's result in the ChunkSettled layout (44 bytes), the inverse of {result}.
    function encode(Result memory r) internal pure returns (bytes memory) {
        return
            bytes.concat(
                abi.encodePacked(r.number, r.importWh, r.exportWh, r.contractBoughtWh, r.contractSoldWh),
                abi.encodePacked(r.poolBoughtWh, r.poolSoldWh, r.debit, r.credit)
            );
    }

    /// @return results The `results` of every ChunkSettled event among `logs` that `emitter` emitted.
    function settled(Vm.Log[] memory logs, address emitter) internal pure returns (bytes[] memory results) {
        uint256 found;
        for (uint256 i; i < logs.length; ++i) if (_isChunkSettled(logs[i], emitter)) ++found;
        results = new bytes[](found);
        found = 0;
        for (uint256 i; i < logs.length; ++i) {
            if (_isChunkSettled(logs[i], emitter)) (, results[found++]) = abi.decode(logs[i].data, (uint16, bytes));
        }
    }

    function _isChunkSettled(Vm.Log memory log, address emitter) private pure returns (bool) {
        return log.emitter == emitter && log.topics.length > 0 && log.topics[0] == S.ChunkSettled.selector;
    }

    /// @dev The big-endian unsigned integer of `size` bytes at `offset`.
    function _uint(bytes memory data, uint256 offset, uint256 size) private pure returns (uint256 v) {
        for (uint256 k; k < size; ++k) v = (v << 8) | uint8(data[offset + k]);
    }
}
