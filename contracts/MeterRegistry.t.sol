// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Roles} from "./Roles.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract MeterRegistryTest is Fixture {
    NeighbourhoodId private constant OTHER = NeighbourhoodId.wrap(keccak256("frankenberg"));

    function test_registerMeter_recordsOwnerAndNeighbourhood() public view {
        IMeterRegistry.Meter memory meter = registry.meterOf(meterIds[2]);
        assertTrue(meter.owner == owners[2] && meter.active, "owner and active");
        assertTrue(NeighbourhoodId.unwrap(meter.neighbourhood) == NeighbourhoodId.unwrap(HOOD), "neighbourhood");
        assertEq(registry.metersIn(HOOD).length, METERS, "meters in neighbourhood");
        assertTrue(registry.isParticipant(owners[2]), "owner is a participant");
    }

    function test_registerMeter_revertsWhen_meterExists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterExists.selector, meterIds[0]));
        registry.registerMeter(meterIds[0], HOOD, owners[1]);
    }

    function test_registerMeter_revertsWhen_neighbourhoodUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodUnknown.selector, OTHER));
        registry.registerMeter(MeterId.wrap(bytes32(uint256(77))), OTHER, owners[1]);
    }

    function test_registerMeter_revertsWhen_ownerIsZero() public {
        vm.expectRevert(IMeterRegistry.RegistryZeroAccount.selector);
        registry.registerMeter(MeterId.wrap(bytes32(uint256(77))), HOOD, address(0));
    }

    function test_registerNeighbourhood_revertsWhen_exists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodExists.selector, HOOD));
        registry.registerNeighbourhood(HOOD, IMeterRegistry.Neighbourhood(true, AllocationKey.ProRata, 0, 0));
    }

    function test_retireMeter_marksItInactive() public {
        registry.retireMeter(meterIds[1]);
        assertTrue(!registry.meterOf(meterIds[1]).active, "retired");
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterRetired.selector, meterIds[1]));
        registry.retireMeter(meterIds[1]);
    }

    function test_replaceMeter_keepsOwnerAndPreferences() public {
        registry.setPreferences(meterIds[1], 300_000, 100_000);
        registry.setShareWeight(meterIds[1], 7);
        MeterId replacement = MeterId.wrap(bytes32(uint256(42)));
        registry.replaceMeter(meterIds[1], replacement);
        IMeterRegistry.Meter memory meter = registry.meterOf(replacement);
        assertTrue(meter.owner == owners[1] && meter.active, "owner and active");
        assertEq(meter.maxBuyPrice, 300_000, "max buy price");
        assertEq(meter.shareWeight, 7, "share weight");
        assertTrue(!registry.meterOf(meterIds[1]).active, "old meter retired");
    }

    function test_setShareWeight_revertsWhen_theOwnerTriesToRaiseItsShare() public {
        vm.prank(owners[2]);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, owners[2], Roles.OPERATOR)
        );
        registry.setShareWeight(meterIds[2], 1000);
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

    function test_setPreferences_byTheOwner() public {
        vm.prank(owners[2]);
        registry.setPreferences(meterIds[2], 0, 120_000);
        assertEq(registry.meterOf(meterIds[2]).minSellPrice, 120_000, "min sell price");
    }

    function test_setPreferences_revertsWhen_callerIsNeitherOwnerNorOperator() public {
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNotMeterOwner.selector, meterIds[2], owners[1]));
        registry.setPreferences(meterIds[2], 0, 120_000);
    }

    function test_registerParticipant_revertsWhen_callerIsNotTheOperator() public {
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.OPERATOR)
        );
        registry.registerParticipant(STRANGER);
    }

    function test_meterOf_revertsWhen_unknown() public {
        MeterId unknown = MeterId.wrap(bytes32(uint256(99)));
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterUnknown.selector, unknown));
        registry.meterOf(unknown);
    }
}
