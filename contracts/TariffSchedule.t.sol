// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {Roles} from "./Roles.sol";
import {AllocationKey} from "./Units.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract TariffScheduleTest is Fixture {
    function _tariff(uint64 gridEnergy) private pure returns (ITariffSchedule.Tariff memory t) {
        t = ITariffSchedule.Tariff(gridEnergy, 110_000, 44_000, 20_500, 13_200, 26_510, 79_000, 110_000, 1900);
    }

    function test_announceTariff_takesEffectAfterTheNotice_andKeepsTheOldOneReadable() public {
        // The fixture's notice period is 96 intervals (one day).
        tariffs.announceTariff(HOOD, _tariff(170_000), NOW + 96);
        (ITariffSchedule.Tariff memory before, uint64 from) = tariffs.tariffAt(HOOD, NOW + 95);
        assertEq(before.gridEnergy, 300_000, "old tariff until the change");
        assertEq(from, 0, "old tariff's start");
        (ITariffSchedule.Tariff memory later, uint64 laterFrom) = tariffs.tariffAt(HOOD, NOW + 96);
        assertEq(later.gridEnergy, 170_000, "new tariff from the change");
        assertEq(laterFrom, NOW + 96, "new tariff's start");
        assertEq(tariffs.tariffHistory(HOOD).length, 2, "history");
    }

    function test_announceTariff_revertsWhen_noticeTooShort() public {
        vm.expectRevert(
            abi.encodeWithSelector(ITariffSchedule.TariffNoticeTooShort.selector, HOOD, NOW + 95, NOW + 96)
        );
        tariffs.announceTariff(HOOD, _tariff(170_000), NOW + 95);
    }

    function test_announceTariff_revertsWhen_notAfterTheLastAnnounced() public {
        tariffs.announceTariff(HOOD, _tariff(170_000), NOW + 200);
        vm.expectRevert(
            abi.encodeWithSelector(ITariffSchedule.TariffNotAfterLast.selector, HOOD, NOW + 150, NOW + 200)
        );
        tariffs.announceTariff(HOOD, _tariff(180_000), NOW + 150);
    }

    function test_announceTariff_revertsWhen_callerIsNotTheOperator() public {
        ITariffSchedule.Tariff memory t = _tariff(170_000);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.OPERATOR)
        );
        tariffs.announceTariff(HOOD, t, NOW + 96);
    }

    function test_announceTariff_revertsWhen_vatAbove100Percent() public {
        ITariffSchedule.Tariff memory t = _tariff(170_000);
        t.vatBasisPoints = 10_001;
        vm.expectRevert(abi.encodeWithSelector(ITariffSchedule.TariffInvalid.selector, "vatBasisPoints"));
        tariffs.announceTariff(HOOD, t, NOW + 96);
    }

    function test_announceTariff_revertsWhen_feedInAboveCommunityPrice() public {
        ITariffSchedule.Tariff memory t = _tariff(170_000);
        t.feedInPrice = t.communityPrice + 1;
        vm.expectRevert(
            abi.encodeWithSelector(ITariffSchedule.TariffInvalid.selector, "feedInPrice above communityPrice")
        );
        tariffs.announceTariff(HOOD, t, NOW + 96);
    }

    function test_announceTariff_emitsTariffAnnounced() public {
        ITariffSchedule.Tariff memory t = _tariff(170_000);
        vm.expectEmit(address(tariffs));
        emit ITariffSchedule.TariffAnnounced(HOOD, NOW + 96, t);
        tariffs.announceTariff(HOOD, t, NOW + 96);
    }

    function test_setInitialTariff_revertsWhen_neighbourhoodUnknown() public {
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryNeighbourhoodUnknown.selector, OTHER));
        tariffs.setInitialTariff(OTHER, _tariff(170_000), 0);
    }

    function test_tariffAt_revertsWhen_noTariffInForce() public {
        vm.expectRevert(abi.encodeWithSelector(ITariffSchedule.TariffNotInForce.selector, OTHER, 5));
        tariffs.tariffAt(OTHER, 5);
        // Nor before the first tariff's start.
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        tariffs.setInitialTariff(OTHER, _tariff(170_000), 10);
        vm.expectRevert(abi.encodeWithSelector(ITariffSchedule.TariffNotInForce.selector, OTHER, 9));
        tariffs.tariffAt(OTHER, 9);
    }

    function test_setInitialTariff_revertsWhen_alreadySet() public {
        vm.expectRevert(abi.encodeWithSelector(ITariffSchedule.TariffAlreadySet.selector, HOOD));
        tariffs.setInitialTariff(HOOD, _tariff(170_000), 0);
    }

    function test_settle_pricesEachIntervalWithTheTariffInForce_withVat() public {
        tariffs.announceTariff(HOOD, _tariff(166_000), NOW + 96);
        vm.warp(uint256(NOW + 200) * 900);
        // 1000 Wh from the grid: (166 + 110 + 20.5 + 13.2 + 26.51) ct net × 1.19 = 0.400090 €.
        _settle(NOW + 100, _batch([uint32(1000), 0, 0, 0], [uint32(0), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[0]), TOP_UP - 400_089, "new tariff with VAT, rounded down");
        // The interval before the change is priced with the old tariff: 1000 Wh × 40 ct.
        _settle(NOW + 95, _batch([uint32(0), 1000, 0, 0], [uint32(0), 0, 0, 0]));
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 400_000, "old tariff");
    }
}
