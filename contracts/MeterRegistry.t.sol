// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {MeterRecords} from "./MeterRecords.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {Roles} from "./Roles.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "./Units.sol";
import {Chunks} from "./test/Chunks.t.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract MeterRegistryTest is Fixture {
    MeterId private constant NEW_METER = MeterId.wrap(bytes32(uint256(77)));

    function test_registerNeighbourhood_storesTheRules() public {
        IMeterRegistry.Neighbourhood memory config = IMeterRegistry.Neighbourhood(
            false,
            AllocationKey.StaticShares,
            2688,
            96,
            true
        );
        IMeterRegistry.Neighbourhood memory stored = config;
        stored.exists = true;
        vm.expectEmit(address(registry));
        emit IMeterRegistry.NeighbourhoodRegistered(OTHER, stored);
        registry.registerNeighbourhood(OTHER, config);
        IMeterRegistry.Neighbourhood memory read = registry.neighbourhoodOf(OTHER);
        assertTrue(read.exists && read.costCap, "exists, cost cap");
        assertTrue(read.allocationKey == AllocationKey.StaticShares, "allocation key");
        assertEq(read.tariffNoticeIntervals, 2688, "tariff notice");
        assertEq(read.contractNoticeIntervals, 96, "contract notice");
    }

    function test_registerNeighbourhood_revertsWhen_exists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodExists.selector, HOOD));
        registry.registerNeighbourhood(HOOD, _config(AllocationKey.ProRata, 0, 0));
    }

    function test_registerNeighbourhood_revertsWhen_callerIsAnAuditor() public {
        address auditor = address(0xa0d);
        registry.grantRole(Roles.AUDITOR, auditor);
        IMeterRegistry.Neighbourhood memory config = _config(AllocationKey.ProRata, 0, 0);
        vm.prank(auditor);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, auditor, Roles.OPERATOR)
        );
        registry.registerNeighbourhood(OTHER, config);
    }

    function test_neighbourhoodOf_revertsWhen_unknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodUnknown.selector, OTHER));
        registry.neighbourhoodOf(OTHER);
    }

    function test_registerParticipant_numbersAccountsOnce() public {
        vm.expectEmit(address(registry));
        emit IMeterRegistry.ParticipantRegistered(STRANGER, 5);
        registry.registerParticipant(STRANGER);
        registry.registerParticipant(STRANGER);
        assertEq(registry.accountNumberOf(STRANGER), 5, "next number, kept");
        assertTrue(registry.isParticipant(STRANGER), "participant");
        assertEq(registry.accountNumberOf(address(0xdead)), 0, "0 for a non-participant");
        assertTrue(!registry.isParticipant(address(0xdead)), "not a participant");
    }

    function test_registerParticipant_revertsWhen_callerIsNotTheOperator() public {
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.OPERATOR)
        );
        registry.registerParticipant(STRANGER);
    }

    function test_registerParticipant_revertsWhen_accountIsZero() public {
        vm.expectRevert(IMeterRegistry.RegistryZeroAccount.selector);
        registry.registerParticipant(address(0));
    }

    function test_registerMeter_recordsOwnerNeighbourhoodAndNumber() public {
        vm.expectEmit(address(registry));
        emit IMeterRegistry.MeterRegistered(NEW_METER, HOOD, owners[2], 5);
        registry.registerMeter(NEW_METER, HOOD, owners[2]);
        IMeterRegistry.Meter memory meter = registry.meterOf(NEW_METER);
        assertTrue(meter.owner == owners[2] && meter.active, "owner and active");
        assertEq(NeighbourhoodId.unwrap(meter.neighbourhood), NeighbourhoodId.unwrap(HOOD), "neighbourhood");
        assertEq(meter.number, 5, "number");
        assertEq(meter.shareWeight, 1, "default weight");
        assertEq(MeterId.unwrap(registry.meterIdOf(5)), MeterId.unwrap(NEW_METER), "id of number");
        assertEq(registry.metersIn(HOOD).length, METERS + 1, "meters in neighbourhood");
        assertEq(registry.accountNumberOf(owners[2]), 3, "the owner keeps its account");
    }

    function test_registerMeter_revertsWhen_meterExists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterExists.selector, meterIds[0]));
        registry.registerMeter(meterIds[0], HOOD, owners[1]);
    }

    function test_registerMeter_revertsWhen_neighbourhoodUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodUnknown.selector, OTHER));
        registry.registerMeter(NEW_METER, OTHER, owners[1]);
    }

    function test_registerMeter_revertsWhen_ownerIsZero() public {
        vm.expectRevert(IMeterRegistry.RegistryZeroAccount.selector);
        registry.registerMeter(NEW_METER, HOOD, address(0));
    }

    function test_retireMeter_marksItInactiveFromTheNextInterval() public {
        vm.expectEmit(address(registry));
        emit IMeterRegistry.MeterRetired(meterIds[1]);
        registry.retireMeter(meterIds[1]);
        assertTrue(!registry.meterOf(meterIds[1]).active, "retired");
        assertTrue(registry.meterAt(meterIds[1], NOW).active, "active in the interval it was retired");
        assertTrue(!registry.meterAt(meterIds[1], NOW + 1).active, "inactive from the next");
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterRetired.selector, meterIds[1]));
        registry.retireMeter(meterIds[1]);
    }

    function test_retireMeter_revertsWhen_meterUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterUnknown.selector, NEW_METER));
        registry.retireMeter(NEW_METER);
    }

    function test_replaceMeter_keepsOwnerAndPreferences() public {
        registry.setPreferences(meterIds[1], 300_000, 100_000);
        registry.setShareWeight(meterIds[1], 7);
        vm.expectEmit(address(registry));
        emit IMeterRegistry.MeterReplaced(meterIds[1], NEW_METER);
        registry.replaceMeter(meterIds[1], NEW_METER);
        IMeterRegistry.Meter memory meter = registry.meterOf(NEW_METER);
        assertTrue(meter.owner == owners[1] && meter.active, "owner and active");
        assertEq(meter.number, 5, "new number");
        assertEq(meter.maxBuyPrice, 300_000, "max buy price");
        assertEq(meter.minSellPrice, 100_000, "min sell price");
        assertEq(meter.shareWeight, 7, "share weight");
        assertTrue(!registry.meterOf(meterIds[1]).active, "old meter retired");
        assertEq(registry.metersIn(HOOD).length, METERS + 1, "listed in the neighbourhood");
    }

    function test_replaceMeter_revertsWhen_theNewIdExists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterExists.selector, meterIds[2]));
        registry.replaceMeter(meterIds[1], meterIds[2]);
    }

    function test_replaceMeter_revertsWhen_theOldMeterIsRetired() public {
        registry.retireMeter(meterIds[1]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterRetired.selector, meterIds[1]));
        registry.replaceMeter(meterIds[1], NEW_METER);
    }

    function test_setPreferences_byTheOwner() public {
        vm.expectEmit(address(registry));
        emit IMeterRegistry.MeterPreferencesSet(meterIds[2], 0, 120_000);
        vm.prank(owners[2]);
        registry.setPreferences(meterIds[2], 0, 120_000);
        assertEq(registry.meterOf(meterIds[2]).minSellPrice, 120_000, "min sell price");
    }

    function test_setPreferences_revertsWhen_callerIsNeitherOwnerNorOperator() public {
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNotMeterOwner.selector, meterIds[2], owners[1]));
        registry.setPreferences(meterIds[2], 0, 120_000);
    }

    function test_setPreferences_revertsWhen_meterRetired() public {
        registry.retireMeter(meterIds[2]);
        vm.prank(owners[2]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterRetired.selector, meterIds[2]));
        registry.setPreferences(meterIds[2], 0, 120_000);
    }

    function test_setPreferences_revertsWhen_aPriceIsBeyondTheRecord() public {
        uint32 tooHigh = uint32(MeterRecords.MAX_PRICE) + 1;
        bytes memory expected = abi.encodeWithSelector(
            IMeterRegistry.RegistryValueTooLarge.selector,
            "maxBuyPrice",
            tooHigh,
            MeterRecords.MAX_PRICE
        );
        vm.expectRevert(expected);
        registry.setPreferences(meterIds[2], tooHigh, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMeterRegistry.RegistryValueTooLarge.selector,
                "minSellPrice",
                tooHigh,
                MeterRecords.MAX_PRICE
            )
        );
        registry.setPreferences(meterIds[2], 0, tooHigh);
        // The largest price fits.
        registry.setPreferences(meterIds[2], tooHigh - 1, tooHigh - 1);
        assertEq(registry.meterOf(meterIds[2]).maxBuyPrice, tooHigh - 1, "largest price");
    }

    function test_setShareWeight_byTheOperator() public {
        vm.expectEmit(address(registry));
        emit IMeterRegistry.MeterShareWeightSet(meterIds[2], 3);
        registry.setShareWeight(meterIds[2], 3);
        assertEq(registry.meterOf(meterIds[2]).shareWeight, 3, "share weight");
    }

    function test_setShareWeight_revertsWhen_theOwnerTriesToRaiseItsShare() public {
        vm.prank(owners[2]);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, owners[2], Roles.OPERATOR)
        );
        registry.setShareWeight(meterIds[2], 1000);
    }

    function test_setShareWeight_revertsWhen_beyondTheRecord() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMeterRegistry.RegistryValueTooLarge.selector, "shareWeight", 65_536, 65_535)
        );
        registry.setShareWeight(meterIds[2], 65_536);
    }

    function test_meterAt_countsAChangeFromTheNextInterval() public {
        registry.setPreferences(meterIds[2], 300_000, 0);
        registry.setPreferences(meterIds[2], 310_000, 0);
        assertEq(registry.meterAt(meterIds[2], NOW).maxBuyPrice, 0, "not during the interval of the change");
        assertEq(registry.meterAt(meterIds[2], NOW + 1).maxBuyPrice, 310_000, "the last change from the next one");
        vm.warp(uint256(NOW + 5) * 900);
        registry.setPreferences(meterIds[2], 320_000, 0);
        assertEq(registry.meterAt(meterIds[2], NOW + 5).maxBuyPrice, 310_000, "the earlier change until then");
        assertEq(registry.meterAt(meterIds[2], NOW + 6).maxBuyPrice, 320_000, "the new one after");
        assertEq(registry.meterOf(meterIds[2]).maxBuyPrice, 320_000, "meterOf shows the latest");
    }

    function test_meterOf_revertsWhen_unknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterUnknown.selector, NEW_METER));
        registry.meterOf(NEW_METER);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterUnknown.selector, NEW_METER));
        registry.meterAt(NEW_METER, NOW);
    }

    function test_meterIdOf_revertsWhen_numberUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 0));
        registry.meterIdOf(0);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 5));
        registry.meterIdOf(5);
    }

    function test_settlementWords_packAccountPricesAndWeightAsTheyCountForTheInterval() public {
        registry.setPreferences(meterIds[2], 300_000, 100_000);
        registry.setShareWeight(meterIds[2], 9);
        bytes memory meters = bytes.concat(Chunks.meter(2, 0, 0), Chunks.meter(3, 0, 0));
        uint256[] memory words = registry.settlementWords(HOOD, NOW + 1, meters);
        assertEq(words.length, 2, "one word per meter");
        assertEq(words[0], 2 | (1 << 96), "account 2, no limits, weight 1");
        assertEq(words[1], 3 | (300_000 << 32) | (100_000 << 64) | (9 << 96), "account 3, limits, weight 9");
        // In the interval of the change the earlier settings count.
        assertEq(registry.settlementWords(HOOD, NOW, meters)[1], 3 | (1 << 96), "before the change");
    }

    function test_settlementWords_revertsWhen_chunkMalformedOrAMeterDoesNotBelong() public {
        vm.expectRevert(abi.encodeWithSelector(PackedMeters.PackedMetersMalformed.selector, 11));
        registry.settlementWords(HOOD, 1, new bytes(11));
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNumberUnknown.selector, 5));
        registry.settlementWords(HOOD, 1, Chunks.meter(5, 0, 0));
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterNotInNeighbourhood.selector, 1, OTHER));
        registry.settlementWords(OTHER, 1, Chunks.meter(1, 0, 0));
        registry.retireMeter(meterIds[0]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterInactive.selector, 1, NOW + 1));
        registry.settlementWords(HOOD, NOW + 1, Chunks.meter(1, 0, 0));
    }
}
