// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {MeterId} from "./Units.sol";
import {Chunks, Result} from "./test/Chunks.t.sol";
import {Fixture} from "./test/Fixture.t.sol";

/// @notice An interval in chunks: packed calldata in, ChunkSettled results out, hashes and the
///         meters' bitmap kept on chain.
contract NeighbourhoodSettlementChunksTest is Fixture {
    function test_settleChunk_spreadsAnIntervalOverChunks_andIsFinalWithTheLast() public {
        bytes memory all = _batch([uint32(0), 600, 900, 50], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertTrue(!settlement.isSettled(HOOD, 7), "not final after the first chunk");
        assertEq(settlement.intervalOf(HOOD, 7).chunksIn, 1, "one chunk in");
        assertEq(settlement.intervalOf(HOOD, 7).settledAt, 0, "not settled yet");
        uint256 balance = credit.balanceOf(owners[1]);
        // Resubmitting the same chunk is a no-op.
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertEq(credit.balanceOf(owners[1]), balance, "no double count");
        settlement.settleChunk(HOOD, 7, header, 1, second);
        assertTrue(settlement.isSettled(HOOD, 7), "final");
        assertEq(settlement.intervalOf(HOOD, 7).meterCount, 4, "meters");
        // And after the interval is final, too, for either chunk.
        settlement.settleChunk(HOOD, 7, header, 1, second);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertEq(credit.balanceOf(owners[1]), balance, "still no double count");
    }

    /// The example of test_settle_servesPowerContractsFirst, line by line: meter 1 exports 1000 Wh and
    /// sells 300 by contract (20 ct) to meter 2; the pool (25 ct) shares the other 700 pro rata to
    /// the demand left: 300 of meter 2 and 900 of meter 3, so 175 and 525; the rest comes from the
    /// grid (40 ct). No VAT, no local fees.
    function test_settleChunk_emitsResultsThatDecodeToTheValuesComputedByHand() public {
        _contract(300);
        bytes memory meters = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 1200, 700, 700, 0);
        int256 treasuryBefore = credit.treasuryPosition();
        bytes memory results = _settleRecorded(NOW + 1, header, 0, meters);

        assertEq(results.length, 4 * settlement.RESULT_SIZE(), "44 bytes per meter");
        // Credit: 300 Wh × 20 ct + 700 Wh × 25 ct = 0.06 + 0.175 €.
        _assertResult(results, 0, Result(1, 0, 1000, 0, 300, 0, 700, 0, 235_000));
        // Debit: 300 Wh × 20 ct + 175 Wh × 25 ct + 125 Wh × 40 ct = 0.06 + 0.04375 + 0.05 €.
        _assertResult(results, 1, Result(2, 600, 0, 300, 0, 175, 0, 153_750, 0));
        // Debit: 525 Wh × 25 ct + 375 Wh × 40 ct = 0.13125 + 0.15 €.
        _assertResult(results, 2, Result(3, 900, 0, 0, 0, 525, 0, 281_250, 0));
        _assertResult(results, 3, Result(4, 0, 0, 0, 0, 0, 0, 0, 0));
        // The treasury takes the difference: the grid energy, 500 Wh × 40 ct.
        assertEq(credit.treasuryPosition() - treasuryBefore, 200_000, "treasury");
    }

    function test_settleChunk_emitsChunkSettledWithItsIndex() public {
        bytes memory all = _batch([uint32(0), 600, 0, 0], [uint32(1000), 0, 0, 0]);
        (bytes memory first, bytes memory second) = Chunks.split(all, 1);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        // Meters 2–4: 600 Wh from the pool at 25 ct for meter 2.
        bytes memory results = bytes.concat(
            abi.encodePacked(uint32(2), uint32(600), uint32(0), uint32(0), uint32(0), uint32(600), uint32(0)),
            abi.encodePacked(uint64(150_000), uint64(0)),
            abi.encodePacked(uint32(3), new bytes(40)),
            abi.encodePacked(uint32(4), new bytes(40))
        );
        vm.expectEmit(address(settlement));
        emit S.ChunkSettled(HOOD, 7, 1, results);
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_chunkOf_holdsTheHashesOfCalldataAndResults() public {
        bytes memory all = _batch([uint32(0), 600, 900, 50], [uint32(1000), 0, 0, 0]);
        (bytes memory first, bytes memory second) = Chunks.split(all, 3);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        bytes memory firstResults = _settleRecorded(7, header, 0, first);
        bytes memory secondResults = _settleRecorded(7, header, 1, second);

        (bytes32 content, bytes32 results) = settlement.chunkOf(HOOD, 7, 0);
        assertEq(content, keccak256(first), "first chunk: calldata hash");
        assertEq(results, keccak256(firstResults), "first chunk: results hash");
        (content, results) = settlement.chunkOf(HOOD, 7, 1);
        assertEq(content, keccak256(second), "second chunk: calldata hash");
        assertEq(results, keccak256(secondResults), "second chunk: results hash");
        (content, results) = settlement.chunkOf(HOOD, 7, 2);
        assertEq(content, bytes32(0), "no third chunk");
        assertEq(Chunks.result(secondResults, 0).number, 4, "second chunk holds meter 4");
    }

    function test_isMeterSettled_marksTheMetersOfEachChunk() public {
        bytes memory all = _batch([uint32(0), 600, 900, 50], [uint32(1000), 0, 0, 0]);
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertTrue(settlement.isMeterSettled(HOOD, 7, 1) && settlement.isMeterSettled(HOOD, 7, 2), "first chunk");
        assertTrue(!settlement.isMeterSettled(HOOD, 7, 3) && !settlement.isMeterSettled(HOOD, 7, 4), "not yet");
        settlement.settleChunk(HOOD, 7, header, 1, second);
        assertTrue(settlement.isMeterSettled(HOOD, 7, 3) && settlement.isMeterSettled(HOOD, 7, 4), "second chunk");
        assertTrue(!settlement.isMeterSettled(HOOD, 8, 1), "not in another interval");
        assertTrue(!settlement.isMeterSettled(OTHER, 7, 1), "not in another neighbourhood");
        assertTrue(!settlement.isMeterSettled(HOOD, 7, 0) && !settlement.isMeterSettled(HOOD, 7, 5), "no such meter");
    }

    /// The bitmap holds 256 meters a word: a chunk from meter 1 to meter 257 spans two words, and a
    /// later chunk finds a meter of either.
    function test_isMeterSettled_acrossBitmapWords() public {
        for (uint256 number = METERS + 1; number <= 257; ++number) {
            registry.registerMeter(MeterId.wrap(bytes32(number)), HOOD, owners[0]);
        }
        bytes memory first = bytes.concat(Chunks.meter(1, 0, 0), Chunks.meter(255, 0, 0), Chunks.meter(257, 10, 0));
        S.BatchHeader memory header = _proRataHeader(first, 2);
        header.poolDemandWh = 20;
        settlement.settleChunk(HOOD, 7, header, 0, first);
        assertTrue(settlement.isMeterSettled(HOOD, 7, 255) && settlement.isMeterSettled(HOOD, 7, 257), "both words");
        assertTrue(!settlement.isMeterSettled(HOOD, 7, 256), "not meter 256");
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMeterTwice.selector, 257));
        settlement.settleChunk(HOOD, 7, header, 1, bytes.concat(Chunks.meter(256, 10, 0), Chunks.meter(257, 0, 0)));
        settlement.settleChunk(HOOD, 7, header, 1, bytes.concat(Chunks.meter(2, 0, 0), Chunks.meter(256, 10, 0)));
        assertTrue(settlement.isSettled(HOOD, 7), "final");
    }

    function test_settleChunk_servesAContractOnlyWhenSellerAndBuyerAreInTheSameChunk() public {
        _contract(300);
        bytes memory all = _batch([uint32(0), 600, 900, 0], [uint32(1000), 0, 0, 0]);
        // Seller (number 1) and buyer (number 2) in different chunks: the contract is not served, and
        // the header counts all their energy in the pool.
        (bytes memory first, bytes memory second) = Chunks.split(all, 1);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        bytes memory sellerResults = _settleRecorded(NOW + 1, header, 0, first);
        bytes memory buyerResults = _settleRecorded(NOW + 1, header, 1, second);
        _assertResult(sellerResults, 0, Result(1, 0, 1000, 0, 0, 0, 1000, 0, 250_000));
        // 1000 Wh shared 600:900 → 400 and 600.
        _assertResult(buyerResults, 0, Result(2, 600, 0, 0, 0, 400, 0, 180_000, 0));
        _assertResult(buyerResults, 1, Result(3, 900, 0, 0, 0, 600, 0, 270_000, 0));

        // In the next interval both are in the first chunk: it is served.
        (first, second) = Chunks.split(all, 2);
        header = S.BatchHeader(keccak256("k"), COMMITMENT, 2, 1200, 700, 700, 0);
        _assertResult(_settleRecorded(NOW + 2, header, 0, first), 1, Result(2, 600, 0, 300, 0, 175, 0, 153_750, 0));
    }

    /// Cumulative rounding runs across chunks: the pool hands out exactly its supply.
    function test_settleChunk_sharesThePoolAcrossChunksExactly() public {
        bytes memory all = _batch([uint32(0), 700, 700, 700], [uint32(1000), 0, 0, 0]);
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        bytes memory one = _settleRecorded(7, header, 0, first);
        bytes memory two = _settleRecorded(7, header, 1, second);
        // floor(700 × 1000 / 2100) = 333; floor(1400 × 1000 / 2100) − 333 = 333; 1000 − 666 = 334.
        assertEq(Chunks.result(one, 1).poolBoughtWh, 333, "meter 2");
        assertEq(Chunks.result(two, 0).poolBoughtWh, 333, "meter 3");
        assertEq(Chunks.result(two, 1).poolBoughtWh, 334, "meter 4");
        assertEq(Chunks.result(one, 0).poolSoldWh, 1000, "meter 1 sells all");
        assertEq(settlement.intervalOf(HOOD, 7).poolBoughtWh, 1000, "pool bought");
    }
}
