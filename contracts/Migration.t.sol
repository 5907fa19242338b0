// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {CreditToken} from "./CreditToken.sol";
import {ICostCap} from "./interfaces/ICostCap.sol";
import {IMigratable} from "./interfaces/IMigratable.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {MeterRegistry} from "./MeterRegistry.sol";
import {PowerContracts} from "./PowerContracts.sol";
import {AllocationKey, MeterId} from "./Units.sol";
import {FakePredecessor} from "./test/FakePredecessor.t.sol";
import {MigrationFixture} from "./test/MigrationFixture.t.sol";

/// @notice Moving to a new version (ADR 0009): what is copied, in how many steps, and who may do what in
///         which phase. Settlement and corrections across the move: Migration.settlement.t.sol.
contract MigrationTest is MigrationFixture {
    // ---- what is copied ----

    function test_copy_keepsEveryNeighbourhoodMeterAndAccountWithItsNumber() public {
        _migrate();
        (uint32 hoods, uint32 meters, uint32 accounts) = registry.counts();
        (uint32 hoods2, uint32 meters2, uint32 accounts2) = nextRegistry.counts();
        assertEq(hoods2, hoods, "neighbourhoods");
        assertEq(meters2, meters, "meters");
        assertEq(accounts2, accounts, "accounts");
        assertEq(
            keccak256(abi.encode(nextRegistry.neighbourhoodOf(CAPPED))),
            keccak256(abi.encode(registry.neighbourhoodOf(CAPPED))),
            "rules"
        );
        assertEq(
            keccak256(abi.encode(nextRegistry.metersIn(HOOD))),
            keccak256(abi.encode(registry.metersIn(HOOD))),
            "meters in"
        );
        for (uint32 n = 1; n <= meters; ++n) {
            assertEq(_records(nextRegistry, n), _records(registry, n), "records");
            assertEq(nextRegistry.accountNumberOf(registry.accountOf(n)), n, "account number");
        }
        // Meter 3's price limits changed at NOW2: the interval before still sees the old ones.
        assertEq(nextRegistry.meterAt(meterIds[2], NOW2).maxBuyPrice, 0, "limit before the change");
        assertEq(nextRegistry.meterAt(meterIds[2], SETTLED).maxBuyPrice, 500_000, "limit after the change");
        assertEq(nextRegistry.meterOf(meterIds[3]).shareWeight, 3, "share weight");
    }

    function test_copy_keepsBalancesDebtsTreasuryAndIssued() public {
        _migrate();
        int256 sum = nextCredit.treasuryPosition();
        for (uint256 i; i < METERS; ++i) {
            assertEq(nextCredit.positionOf(owners[i]), credit.positionOf(owners[i]), "position");
            assertEq(nextCredit.positionOf(cappedOwners[i]), credit.positionOf(cappedOwners[i]), "capped position");
            sum += nextCredit.positionOf(owners[i]) + nextCredit.positionOf(cappedOwners[i]);
        }
        assertTrue(nextCredit.positionOf(owners[0]) < 0, "owner 0 owes");
        assertEq(nextCredit.debtOf(owners[0]), credit.debtOf(owners[0]), "debt");
        assertEq(nextCredit.treasuryPosition(), credit.treasuryPosition(), "treasury");
        assertEq(nextCredit.issued(), credit.issued(), "issued");
        assertEq(sum, nextCredit.issued(), "positions add up to issued");
    }

    function test_copy_keepsPastAndAnnouncedTariffs() public {
        _migrate();
        assertEq(
            keccak256(abi.encode(nextTariffs.tariffHistory(HOOD))),
            keccak256(abi.encode(tariffs.tariffHistory(HOOD))),
            "history"
        );
        (ITariffSchedule.Tariff memory past, uint64 from) = nextTariffs.tariffAt(HOOD, SETTLED);
        assertEq(from, 0, "past tariff from");
        assertEq(past.communityPrice, _simpleTariff().communityPrice, "past tariff");
        (ITariffSchedule.Tariff memory announced, uint64 from2) = nextTariffs.tariffAt(HOOD, ANNOUNCED);
        assertEq(from2, ANNOUNCED, "announced tariff from");
        assertEq(announced.communityPrice, _dearPoolTariff().communityPrice, "announced tariff");
    }

    function test_copy_keepsContractsServingAndOffersOpen() public {
        _migrate();
        assertEq(nextContracts.nextId(), contracts.nextId(), "next id");
        for (uint64 id = 1; id < contracts.nextId(); ++id) {
            assertEq(
                keccak256(abi.encode(nextContracts.contractOf(id))),
                keccak256(abi.encode(contracts.contractOf(id))),
                "terms"
            );
        }
        assertEq(
            keccak256(abi.encode(nextContracts.contractsSoldBy(meterIds[0]))),
            keccak256(abi.encode(contracts.contractsSoldBy(meterIds[0]))),
            "sold"
        );
        assertEq(
            keccak256(abi.encode(nextContracts.contractsBoughtBy(meterIds[1]))),
            keccak256(abi.encode(contracts.contractsBoughtBy(meterIds[1]))),
            "bought"
        );
        uint256[] memory served = nextContracts.contractsFor(
            _batch([uint32(0), 100, 0, 0], [uint32(100), 0, 0, 0]),
            NOW2 + 10
        );
        assertEq(served.length, 1, "the active contract serves");
        assertEq(served[0] >> 128, contractId, "its id");
        vm.prank(owners[3]);
        nextContracts.accept(offerId);
        assertEq(
            uint256(nextContracts.contractOf(offerId).status),
            uint256(IPowerContracts.Status.Active),
            "offer accepted"
        );
    }

    function test_copy_keepsTheCostCapsOpenMonth() public {
        _migrate();
        for (uint256 i; i < METERS; ++i) {
            ICostCap.MonthAccount memory old = costCap.monthAccountOf(CAPPED, APRIL, _cappedNumber(i));
            ICostCap.MonthAccount memory copied = nextCostCap.monthAccountOf(CAPPED, APRIL, _cappedNumber(i));
            assertTrue(old.paid > 0, "paid in April");
            assertEq(copied.paid, old.paid, "paid");
            assertEq(copied.gridOnly, old.gridOnly, "grid-only");
        }
        vm.warp(uint256(MAY_START) * 900);
        int256 before = nextCredit.positionOf(cappedOwners[0]);
        nextCostCap.closeMonth(CAPPED, APRIL, _allCappedNumbers());
        ICostCap.MonthAccount memory account = nextCostCap.monthAccountOf(CAPPED, APRIL, _cappedNumber(0));
        assertEq(
            nextCredit.positionOf(cappedOwners[0]) - before,
            int256(uint256(account.paid - account.gridOnly)),
            "credited"
        );
    }

    // ---- several transactions ----

    function test_importNext_resumesWhereTheLastCallEnded() public {
        _handOver();
        nextRegistry.importNext(3);
        (uint32 hoods, uint32 meters, uint32 accounts) = nextRegistry.counts();
        assertEq(hoods + accounts + meters, 3, "three items");
        assertTrue(!nextRegistry.importComplete(), "not complete");
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "accounts", 1, 8));
        nextRegistry.goLive();
        uint256 calls = _copyAll(1);
        // 2 neighbourhoods + 8 accounts + 8 meters - 3 done; 8 accounts; 2 histories; 2 contracts; 8 meters.
        assertEq(calls, 15 + 8 + 2 + 2 + 8, "one item per call");
        _goLive();
        assertEq(nextCredit.positionOf(owners[0]), credit.positionOf(owners[0]), "same result");
    }

    function test_importNext_copiesNothingMoreOnceComplete() public {
        _handOver();
        _copyAll(100);
        nextRegistry.importNext(5);
        (, uint32 meters, ) = nextRegistry.counts();
        assertEq(meters, 8, "no meter twice");
        assertEq(nextRegistry.metersIn(HOOD).length, 4, "no meter listed twice");
    }

    function test_goLive_refusesAnIncompleteCopy() public {
        _handOver();
        IMigratable[7] memory next = _next();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "neighbourhoods", 0, 2));
        nextRegistry.goLive();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "accounts", 0, 8));
        nextCredit.goLive();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "neighbourhoods", 0, 2));
        nextTariffs.goLive();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "contracts", 0, 2));
        nextContracts.goLive();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "meters", 0, 8));
        nextCostCap.goLive();
        // Settlement and corrections copy nothing.
        assertTrue(next[5].importComplete() && next[6].importComplete(), "nothing to copy");
        nextSettlement.importNext(10);
        nextSettlement.goLive();
    }

    function test_goLive_refusesCreditThatDoesNotAddUp() public {
        registry.retire();
        nextRegistry.importFrom(address(registry));
        nextRegistry.importNext(100);
        FakePredecessor fake = new FakePredecessor(TREASURY);
        nextCredit.importFrom(address(fake));
        nextCredit.importNext(100);
        assertTrue(!nextCredit.importComplete(), "incomplete");
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationIncomplete.selector, "balance", 0, 1));
        nextCredit.goLive();
    }

    // ---- who, when, how often ----

    function test_migrationSteps_areTheAdminsOnly() public {
        bytes memory notAdmin = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            STRANGER,
            bytes32(0)
        );
        vm.prank(STRANGER);
        vm.expectRevert(notAdmin);
        registry.retire();
        registry.retire();
        vm.prank(STRANGER);
        vm.expectRevert(notAdmin);
        nextRegistry.importFrom(address(registry));
        contracts.retire();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationUnauthorized.selector, STRANGER));
        nextContracts.importFrom(address(contracts));
        vm.prank(STRANGER);
        vm.expectRevert(notAdmin);
        nextSettlement.goLive();
        vm.prank(STRANGER);
        vm.expectRevert(notAdmin);
        nextCredit.goLive();
    }

    function test_importNext_isAnyones_butCopiesOnlyThePredecessor() public {
        _handOver();
        vm.prank(STRANGER);
        nextRegistry.importNext(100);
        (uint32 hoods, , ) = nextRegistry.counts();
        assertEq(hoods, 2, "copied");
    }

    function test_importFrom_onlyFromARetiredPredecessor() public {
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationPreviousNotRetired.selector, address(registry)));
        nextRegistry.importFrom(address(registry));
    }

    function test_importFrom_onlyOnce() public {
        _handOver();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Importing,
                IMigratable.Phase.Fresh
            )
        );
        nextRegistry.importFrom(address(registry));
        _copyAll(100);
        _goLive();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Live,
                IMigratable.Phase.Fresh
            )
        );
        nextCredit.importFrom(address(credit));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Live,
                IMigratable.Phase.Importing
            )
        );
        nextRegistry.importNext(1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Live,
                IMigratable.Phase.Fresh
            )
        );
        nextRegistry.goLive();
    }

    function test_importNext_notBeforeImportFrom() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Fresh,
                IMigratable.Phase.Importing
            )
        );
        nextRegistry.importNext(1);
    }

    function test_importFrom_refusesAVersionAlreadyInUse() public {
        registry.retire();
        credit.retire();
        contracts.retire();
        nextRegistry.registerParticipant(STRANGER);
        vm.expectRevert(IMigratable.MigrationTargetNotEmpty.selector);
        nextRegistry.importFrom(address(registry));

        MeterRegistry fresh = new MeterRegistry(address(this), address(this));
        fresh.importFrom(address(registry));
        CreditToken used = new CreditToken(address(this), address(this), address(this), fresh, TREASURY);
        used.topUp(TREASURY, 1);
        vm.expectRevert(IMigratable.MigrationTargetNotEmpty.selector);
        used.importFrom(address(credit));
        CreditToken otherTreasury = new CreditToken(address(this), address(this), address(this), fresh, STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationMismatch.selector, "treasury"));
        otherTreasury.importFrom(address(credit));

        // Power contracts on the old (retired, still readable) registry, with an offer made.
        PowerContracts usedContracts = new PowerContracts(registry);
        vm.prank(owners[0]);
        usedContracts.offer(meterIds[0], meterIds[1], 1, 1, NOW2 + 10, NOW2 + 20);
        vm.expectRevert(IMigratable.MigrationTargetNotEmpty.selector);
        usedContracts.importFrom(address(contracts));
    }

    function test_importFrom_needsTheRegistryBoundFirst() public {
        credit.retire();
        tariffs.retire();
        costCap.retire();
        bytes memory unbound = abi.encodeWithSelector(IMigratable.MigrationMismatch.selector, "registry not bound");
        vm.expectRevert(unbound);
        nextCredit.importFrom(address(credit));
        vm.expectRevert(unbound);
        nextTariffs.importFrom(address(tariffs));
        vm.expectRevert(unbound);
        nextCostCap.importFrom(address(costCap));
    }

    function test_retire_onlyOnce_andNotWhileImporting() public {
        _handOver();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Retired));
        registry.retire();
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Importing));
        nextRegistry.retire();
        assertEq(registry.retiredAt(), NOW2 + 3, "retired in the interval in progress");
        assertEq(nextSettlement.firstInterval(), NOW2 + 3, "the successor counts from it");
        assertTrue(nextSettlement.previousVersion() == address(settlement), "predecessor");
    }

    function test_goLive_sealsAFreshDeployment() public {
        nextRegistry.goLive();
        assertEq(uint256(nextRegistry.migrationPhase()), uint256(IMigratable.Phase.Live), "live");
        assertTrue(nextRegistry.importComplete(), "nothing to copy");
        registry.retire();
        vm.expectRevert(
            abi.encodeWithSelector(
                IMigratable.MigrationWrongPhase.selector,
                IMigratable.Phase.Live,
                IMigratable.Phase.Fresh
            )
        );
        nextRegistry.importFrom(address(registry));
        nextRegistry.registerParticipant(STRANGER);
    }

    function test_retire_keepsAPausedLedgerPaused() public {
        credit.pause();
        credit.retire();
        assertTrue(credit.paused(), "paused");
        vm.expectRevert(abi.encodeWithSelector(IMigratable.MigrationNotCurrent.selector, IMigratable.Phase.Retired));
        credit.unpause();
    }

    // ---- ordinary writes ----

    function test_retiredVersion_refusesEveryWrite() public {
        _handOver();
        bytes memory retired = abi.encodeWithSelector(
            IMigratable.MigrationNotCurrent.selector,
            IMigratable.Phase.Retired
        );
        vm.expectRevert(retired);
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        vm.expectRevert(retired);
        registry.registerParticipant(STRANGER);
        vm.expectRevert(retired);
        registry.registerMeter(MeterId.wrap(bytes32(uint256(99))), HOOD, STRANGER);
        vm.expectRevert(retired);
        registry.retireMeter(meterIds[0]);
        vm.expectRevert(retired);
        registry.replaceMeter(meterIds[0], MeterId.wrap(bytes32(uint256(99))));
        vm.prank(owners[0]);
        vm.expectRevert(retired);
        registry.setPreferences(meterIds[0], 1, 1);
        vm.expectRevert(retired);
        registry.setShareWeight(meterIds[0], 2);
        vm.expectRevert(retired);
        tariffs.announceTariff(HOOD, _simpleTariff(), ANNOUNCED + 1);
        vm.expectRevert(retired);
        tariffs.setInitialTariff(OTHER, _simpleTariff(), 0);
        vm.prank(owners[0]);
        vm.expectRevert(retired);
        contracts.offer(meterIds[0], meterIds[1], 1, 1, NOW2 + 10, NOW2 + 20);
        vm.prank(owners[3]);
        vm.expectRevert(retired);
        contracts.accept(offerId);
        vm.prank(owners[0]);
        vm.expectRevert(retired);
        contracts.end(contractId);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        credit.topUp(owners[1], 1);
        vm.expectRevert(retired);
        credit.unpause();
        vm.warp(uint256(MAY_START) * 900);
        vm.expectRevert(retired);
        costCap.closeMonth(CAPPED, APRIL, _allCappedNumbers());
    }

    function test_importingVersion_refusesEveryWrite() public {
        _handOver();
        bytes memory importing = abi.encodeWithSelector(
            IMigratable.MigrationNotCurrent.selector,
            IMigratable.Phase.Importing
        );
        vm.expectRevert(importing);
        nextRegistry.registerParticipant(STRANGER);
        vm.expectRevert(importing);
        nextCredit.topUp(TREASURY, 1);
        vm.expectRevert(importing);
        nextCredit.payOut(TREASURY, 0);
        vm.prank(owners[3]);
        vm.expectRevert(importing);
        nextContracts.accept(offerId);
        vm.warp(uint256(MAY_START) * 900);
        vm.expectRevert(importing);
        nextCostCap.closeMonth(CAPPED, APRIL, _allCappedNumbers());
    }

    function _records(MeterRegistry r, uint32 number) internal view returns (bytes32) {
        (MeterId meter, uint256 latest, uint256 before, uint64 changesAt) = r.meterRecordsOf(number);
        return keccak256(abi.encode(meter, latest, before, changesAt));
    }

    function _allCappedNumbers() internal pure returns (uint32[] memory numbers) {
        numbers = new uint32[](METERS);
        for (uint256 i; i < METERS; ++i) numbers[i] = _cappedNumber(i);
    }
}
