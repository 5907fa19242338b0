// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Roles} from "./Roles.sol";
import {MeterId, NeighbourhoodId} from "./Units.sol";
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

    function test_registerNeighbourhood_revertsWhen_communityPriceOutsideFeedInAndGrid() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMeterRegistry.RegistryTariffInvalid.selector, 400_000, 79_000, 450_000)
        );
        registry.registerNeighbourhood(
            OTHER,
            IMeterRegistry.Tariff({gridPrice: 400_000, feedInPrice: 79_000, communityPrice: 450_000})
        );
    }

    function test_registerNeighbourhood_revertsWhen_exists() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodExists.selector, HOOD));
        registry.registerNeighbourhood(
            HOOD,
            IMeterRegistry.Tariff({gridPrice: 400_000, feedInPrice: 79_000, communityPrice: 250_000})
        );
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
