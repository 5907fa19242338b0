// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IMigratable} from "./interfaces/IMigratable.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {ISettlementCorrections} from "./interfaces/ISettlementCorrections.sol";
import {Chunks} from "./test/Chunks.t.sol";
import {MigrationFixture} from "./test/MigrationFixture.t.sol";

/// @notice Settled intervals across a move to a new version (ADR 0009): none settles twice, the old
///         records stay readable through both versions, a late interval still settles, and a correction
///         of an old interval continues from the old version's correction.
contract MigrationSettlementTest is MigrationFixture {
    function test_newVersion_refusesAnIntervalTheOldOneSettled() public {
        _migrate();
        vm.expectRevert(
            abi.encodeWithSelector(S.SettlementIntervalInPreviousVersion.selector, HOOD, SETTLED, address(settlement))
        );
        nextSettlement.settleChunk(HOOD, SETTLED, _proRataHeader(settledMeters, 1), 0, settledMeters);
    }

    function test_newVersion_refusesAnIntervalTheOldOneBegan() public {
        // Chunk 0 of 2 of interval SETTLED + 1 is in when the old version retires.
        bytes memory meters = _batch([uint32(100), 100, 100, 100], [uint32(0), 0, 0, 300]);
        (bytes memory first, bytes memory second) = Chunks.split(meters, 2);
        S.BatchHeader memory header = _proRataHeader(meters, 2);
        settlement.settleChunk(HOOD, SETTLED + 1, header, 0, first);
        _migrate();
        // The old version takes no more of it (its ledger is paused for good) …
        vm.expectRevert(Pausable.EnforcedPause.selector);
        settlement.settleChunk(HOOD, SETTLED + 1, header, 1, second);
        // … and the new one none of it.
        vm.expectRevert(
            abi.encodeWithSelector(
                S.SettlementIntervalInPreviousVersion.selector,
                HOOD,
                SETTLED + 1,
                address(settlement)
            )
        );
        nextSettlement.settleChunk(HOOD, SETTLED + 1, header, 0, first);
    }

    function test_oldVersion_settlesNoNewIntervalOnceRetired() public {
        _migrate();
        vm.warp(uint256(NOW2 + 5) * 900);
        bytes memory meters = _batch([uint32(100), 100, 100, 100], [uint32(0), 0, 0, 300]);
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Retired));
        settlement.settleChunk(HOOD, NOW2 + 4, _proRataHeader(meters, 1), 0, meters);
    }

    function test_newVersion_settlesNothingWhileImporting() public {
        _handOver();
        bytes memory meters = _batch([uint32(100), 100, 100, 100], [uint32(0), 0, 0, 300]);
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Importing));
        nextSettlement.settleChunk(HOOD, SETTLED + 1, _proRataHeader(meters, 1), 0, meters);
    }

    function test_newVersion_settlesALateIntervalAndItsOwn() public {
        _migrate();
        bytes memory meters = _batch([uint32(100), 100, 100, 100], [uint32(0), 0, 0, 300]);
        int256 before = nextCredit.positionOf(owners[1]);
        // SETTLED + 1 closed before the move, but the old version has nothing of it.
        nextSettlement.settleChunk(HOOD, SETTLED + 1, _proRataHeader(meters, 1), 0, meters);
        assertTrue(nextSettlement.isSettled(HOOD, SETTLED + 1), "late interval settled");
        assertTrue(!settlement.isSettled(HOOD, SETTLED + 1), "not in the old version");
        int256 paid = before - nextCredit.positionOf(owners[1]);
        assertTrue(paid > 0, "owner 1 paid");
        vm.warp(uint256(NOW2 + 4) * 900);
        nextSettlement.settleChunk(HOOD, NOW2 + 3, _proRataHeader(meters, 1), 0, meters);
        assertTrue(nextSettlement.isSettled(HOOD, NOW2 + 3), "first interval of the new version");
        assertEq(nextCredit.positionOf(owners[1]), before - 2 * paid, "the same again");
    }

    function test_newVersion_answersForTheOldVersionsIntervals() public {
        _migrate();
        assertTrue(nextSettlement.isSettled(HOOD, SETTLED), "settled");
        assertTrue(nextSettlement.isMeterSettled(HOOD, SETTLED, 3), "meter settled");
        assertTrue(!nextSettlement.isMeterSettled(HOOD, SETTLED, 7), "meter of another neighbourhood");
        assertEq(
            keccak256(abi.encode(nextSettlement.intervalOf(HOOD, SETTLED))),
            keccak256(abi.encode(settlement.intervalOf(HOOD, SETTLED))),
            "record"
        );
        (bytes32 content, bytes32 results) = nextSettlement.chunkOf(HOOD, SETTLED, 0);
        assertEq(content, keccak256(settledMeters), "content hash");
        assertEq(results, keccak256(settledResults), "results hash");
        // And the old version still answers itself.
        assertTrue(settlement.isSettled(HOOD, SETTLED), "old record readable");
    }

    function test_correction_ofAnOldInterval_continuesFromTheOldCorrection() public {
        _migrate();
        int256 before = nextCredit.positionOf(owners[1]);
        int256 treasury = nextCredit.treasuryPosition();
        nextCorrections.correctMeter(HOOD, SETTLED, 0, settledResults, 1, CORRECTED_WH + 40, 0, "read a third time");
        ISettlementCorrections.Correction memory c = nextCorrections.correctionOf(HOOD, SETTLED, 2);
        assertEq(c.count, 2, "the second correction of the meter-interval");
        assertEq(c.importWh, CORRECTED_WH + 40, "corrected import");
        // Only the 40 Wh beyond the first correction, at the 40 ct grid price: 16,000 micro-euro.
        assertEq(nextCredit.positionOf(owners[1]), before - 16_000, "owner pays the difference");
        assertEq(nextCredit.treasuryPosition(), treasury + 16_000, "the treasury receives it");
        assertEq(corrections.correctionOf(HOOD, SETTLED, 2).count, 1, "the old record stays as it was");
    }

    function test_correction_ofAnOldIntervalNotCorrectedBefore_startsFromTheResult() public {
        _migrate();
        nextCorrections.correctMeter(HOOD, SETTLED, 0, settledResults, 0, 1000, 0, "read again");
        assertEq(nextCorrections.correctionOf(HOOD, SETTLED, 1).count, 1, "first correction");
    }

    function test_correction_refusedByTheOldVersion_andWhileImporting() public {
        _handOver();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Retired));
        corrections.correctMeter(HOOD, SETTLED, 0, settledResults, 1, 300, 0, "late");
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Importing));
        nextCorrections.correctMeter(HOOD, SETTLED, 0, settledResults, 1, 300, 0, "early");
    }
}
