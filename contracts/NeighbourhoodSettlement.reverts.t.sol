// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement as S} from "./interfaces/INeighbourhoodSettlement.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {AllocationKey, MeterId} from "./Units.sol";
import {Chunks} from "./test/Chunks.t.sol";
import {Fixture} from "./test/Fixture.t.sol";

/// @notice Every way settleChunk refuses a chunk, with the error's exact arguments.
contract NeighbourhoodSettlementRevertsTest is Fixture {
    bytes private all;

    function setUp() public override {
        super.setUp();
        all = _batch([uint32(0), 600, 900, 50], [uint32(1000), 0, 0, 0]);
    }

    function test_settleChunk_revertsWhen_callerIsNotTheBridge() public {
        S.BatchHeader memory header = _proRataHeader(all, 1);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.BRIDGE)
        );
        settlement.settleChunk(HOOD, 1, header, 0, all);
    }

    function test_settleChunk_revertsWhen_batchEmpty() public {
        vm.expectRevert(S.SettlementBatchEmpty.selector);
        settlement.settleChunk(HOOD, 1, _proRataHeader("", 1), 0, "");
    }

    function test_settleChunk_revertsWhen_batchTooLarge() public {
        bytes memory huge = new bytes(5001 * 12);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementBatchTooLarge.selector, 5001, 5000));
        settlement.settleChunk(HOOD, 1, _proRataHeader("", 1), 0, huge);
    }

    function test_settleChunk_revertsWhen_packedMetersMalformed() public {
        bytes memory meters = bytes.concat(all, hex"01");
        vm.expectRevert(abi.encodeWithSelector(PackedMeters.PackedMetersMalformed.selector, 49));
        settlement.settleChunk(HOOD, 1, _proRataHeader(all, 1), 0, meters);
    }

    function test_settleChunk_revertsWhen_intervalNotClosed() public {
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalNotClosed.selector, HOOD, NOW, (NOW + 1) * 900));
        _settle(NOW, all);
    }

    function test_settleChunk_revertsWhen_intervalAlreadySettledByAnotherBatch() public {
        _settle(3, _batch([uint32(1), 0, 0, 0], [uint32(0), 1, 0, 0]));
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalAlreadySettled.selector, HOOD, 3));
        _settle(3, _batch([uint32(2), 0, 0, 0], [uint32(0), 2, 0, 0]));
    }

    function test_settleChunk_revertsWhen_aChunkIsAddedToAFinalInterval() public {
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(first, 1);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementIntervalAlreadySettled.selector, HOOD, 7));
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_settleChunk_revertsWhen_chunkOutOfOrder() public {
        (, bytes memory second) = Chunks.split(all, 2);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementChunkOutOfOrder.selector, HOOD, 7, 0, 1));
        settlement.settleChunk(HOOD, 7, _proRataHeader(all, 2), 1, second);
    }

    function test_settleChunk_revertsWhen_chunkIndexBeyondTheHeadersCount() public {
        vm.expectRevert(abi.encodeWithSelector(S.SettlementChunkOutOfOrder.selector, HOOD, 7, 0, 1));
        settlement.settleChunk(HOOD, 7, _proRataHeader(all, 1), 1, all);
    }

    function test_settleChunk_revertsWhen_aChunkConflictsWithTheOneIn() public {
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 3, header, 0, first);
        bytes memory conflict = abi.encodeWithSelector(S.SettlementChunkConflict.selector, HOOD, 3, 0);
        // Other content.
        vm.expectRevert(conflict);
        settlement.settleChunk(HOOD, 3, header, 0, second);
        // Another header of the same batch.
        header.commitment = keccak256("other readings");
        vm.expectRevert(conflict);
        settlement.settleChunk(HOOD, 3, header, 0, first);
        // Another batch.
        header = _proRataHeader(all, 2);
        header.batchKey = keccak256("another batch");
        vm.expectRevert(conflict);
        settlement.settleChunk(HOOD, 3, header, 0, first);
    }

    function test_settleChunk_revertsWhen_headerChangesBetweenChunks() public {
        (bytes memory first, bytes memory second) = Chunks.split(all, 2);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        header.poolDemandWh += 1;
        vm.expectRevert(abi.encodeWithSelector(S.SettlementHeaderMismatch.selector, HOOD, 7));
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_settleChunk_revertsWhen_headerDeclaresMorePoolEnergyThanThereCanBe() public {
        S.BatchHeader memory header = _proRataHeader(all, 1);
        header.poolBoughtWh = 1001;
        vm.expectRevert(abi.encodeWithSelector(S.SettlementHeaderInvalid.selector, "poolBoughtWh"));
        settlement.settleChunk(HOOD, 7, header, 0, all);
    }

    function test_settleChunk_revertsWhen_totalsDoNotAddUp() public {
        // Demand 1550, supply 1000, bought 1000, no weights under pro rata.
        S.BatchHeader memory header = _proRataHeader(all, 1);
        header.poolDemandWh = 1600;
        _expectTotalsMismatch(header, "poolDemandWh", 1600, 1550);
        header = _proRataHeader(all, 1);
        header.poolSupplyWh = 1100;
        _expectTotalsMismatch(header, "poolSupplyWh", 1100, 1000);
        header = _proRataHeader(all, 1);
        header.poolBoughtWh = 900;
        _expectTotalsMismatch(header, "poolBoughtWh", 900, 1000);
        header = _proRataHeader(all, 1);
        header.shareWeightTotal = 3;
        _expectTotalsMismatch(header, "shareWeightTotal", 3, 0);
    }

    function test_settleChunk_revertsWhen_metersNotAscending() public {
        bytes memory swapped = bytes.concat(Chunks.meter(1, 1, 0), Chunks.meter(3, 3, 0), Chunks.meter(2, 2, 0));
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMetersNotAscending.selector, 2, 2));
        _settle(1, swapped);
        bytes memory repeated = bytes.concat(Chunks.meter(1, 1, 0), Chunks.meter(1, 1, 0));
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMetersNotAscending.selector, 1, 1));
        _settle(1, repeated);
    }

    function test_settleChunk_revertsWhen_aMeterIsInTwoChunks() public {
        bytes memory first = _slice(0, 2);
        bytes memory second = _slice(1, 4);
        S.BatchHeader memory header = _proRataHeader(all, 2);
        settlement.settleChunk(HOOD, 7, header, 0, first);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementMeterTwice.selector, 2));
        settlement.settleChunk(HOOD, 7, header, 1, second);
    }

    function test_settleChunk_revertsWhen_meterNumberUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 99));
        _settle(1, bytes.concat(all, Chunks.meter(99, 0, 0)));
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 0));
        _settle(1, Chunks.meter(0, 5, 0));
    }

    function test_settleChunk_revertsWhen_meterIsInAnotherNeighbourhood() public {
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        registry.registerMeter(MeterId.wrap(bytes32(uint256(77))), OTHER, owners[0]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNotInNeighbourhood.selector, 5, HOOD));
        _settle(1, bytes.concat(all, Chunks.meter(5, 0, 0)));
    }

    function test_settleChunk_revertsWhen_meterRetiredBeforeTheInterval() public {
        registry.retireMeter(meterIds[3]);
        vm.warp(uint256(NOW + 2) * 900);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterInactive.selector, 4, NOW + 1));
        _settle(NOW + 1, all);
        // The interval in which it was retired still settles it.
        _settle(NOW, all);
        assertTrue(settlement.isMeterSettled(HOOD, NOW, 4), "settled in its last interval");
    }

    function test_settleChunk_revertsWhen_anAmountExceedsTheLedger() public {
        // A grid price of 2^64 - 1 micro-euro per kWh: 1 kWh costs more than an int64 holds.
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        tariffs.setInitialTariff(OTHER, ITariffSchedule.Tariff(type(uint64).max, 0, 0, 0, 0, 0, 0, 0, 0), 0);
        registry.registerMeter(MeterId.wrap(bytes32(uint256(77))), OTHER, owners[0]);
        S.BatchHeader memory header = S.BatchHeader(keccak256("k"), COMMITMENT, 1, 1000, 0, 0, 0);
        vm.expectRevert(abi.encodeWithSelector(S.SettlementAmountTooLarge.selector, 0, uint256(type(uint64).max), 0));
        settlement.settleChunk(OTHER, 1, header, 0, Chunks.meter(5, 1000, 0));
    }

    function test_settleChunk_revertsWhen_noTariffIsInForce() public {
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(ITariffSchedule.TariffNotInForce.selector, OTHER, 1));
        settlement.settleChunk(OTHER, 1, _proRataHeader(all, 1), 0, all);
    }

    function test_settleChunk_revertsWhen_theCreditIsPaused() public {
        credit.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        _settle(1, all);
        assertTrue(!settlement.isMeterSettled(HOOD, 1, 1), "nothing of the chunk stays");
        credit.unpause();
        _settle(1, all);
        assertTrue(settlement.isSettled(HOOD, 1), "settles once resumed");
    }

    function _expectTotalsMismatch(
        S.BatchHeader memory header,
        string memory field,
        uint64 declared,
        uint64 actual
    ) private {
        vm.expectRevert(abi.encodeWithSelector(S.SettlementHeaderTotalsMismatch.selector, field, declared, actual));
        settlement.settleChunk(HOOD, 7, header, 0, all);
    }

    /// @dev Meters [from, to) of the fixture's batch.
    function _slice(uint256 from, uint256 to) private view returns (bytes memory) {
        return Chunks.slice(all, from * Chunks.METER_SIZE, to * Chunks.METER_SIZE);
    }
}
