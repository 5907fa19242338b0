// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CostCap} from "../CostCap.sol";
import {CreditToken} from "../CreditToken.sol";
import {IMigratable} from "../interfaces/IMigratable.sol";
import {MeterRegistry} from "../MeterRegistry.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {PowerContracts} from "../PowerContracts.sol";
import {Roles} from "../Roles.sol";
import {SettlementCorrections} from "../SettlementCorrections.sol";
import {TariffSchedule} from "../TariffSchedule.sol";
import {CappedFixture} from "./CappedFixture.t.sol";

/// @notice The capped fixture after some activity, as the old version, and a new version deployed beside
///         it, fresh, wired the same way, this test contract admin, operator and bridge. The activity:
///         owner 0 paid out everything and then imported (a debt); meter 3's price limits and meter 4's
///         share weight changed; an accepted contract from meter 1 to meter 2 from interval NOW2 + 10 and
///         an open offer from meter 3 to meter 4; a tariff announced for HOOD from ANNOUNCED; interval
///         SETTLED settled in both neighbourhoods (CAPPED's in April, so the cost cap has sums); meter 2
///         of HOOD's SETTLED corrected to 260 Wh. The clock then stands at interval NOW2 + 3.
abstract contract MigrationFixture is CappedFixture {
    uint64 internal constant NOW2 = APRIL_START + 96;
    uint64 internal constant SETTLED = NOW2 + 1;
    uint64 internal constant ANNOUNCED = NOW2 + 200;
    uint32 internal constant CORRECTED_WH = 260;

    MeterRegistry internal nextRegistry;
    CreditToken internal nextCredit;
    TariffSchedule internal nextTariffs;
    PowerContracts internal nextContracts;
    CostCap internal nextCostCap;
    NeighbourhoodSettlement internal nextSettlement;
    SettlementCorrections internal nextCorrections;

    bytes internal settledMeters;
    bytes internal settledResults;
    uint64 internal contractId;
    uint64 internal offerId;

    function setUp() public virtual override {
        super.setUp();
        credit.payOut(owners[0], TOP_UP);
        vm.prank(owners[2]);
        registry.setPreferences(meterIds[2], 500_000, 10_000);
        registry.setShareWeight(meterIds[3], 3);
        vm.prank(owners[0]);
        contractId = contracts.offer(meterIds[0], meterIds[1], 200_000, 100, NOW2 + 10, NOW2 + 1000);
        vm.prank(owners[1]);
        contracts.accept(contractId);
        vm.prank(owners[2]);
        offerId = contracts.offer(meterIds[2], meterIds[3], 150_000, 50, NOW2 + 10, NOW2 + 1000);
        tariffs.announceTariff(HOOD, _dearPoolTariff(), ANNOUNCED);
        vm.warp(uint256(NOW2 + 3) * 900);
        settledMeters = _batch([uint32(900), 200, 300, 100], [uint32(0), 0, 2000, 0]);
        settledResults = _settleRecorded(SETTLED, _proRataHeader(settledMeters, 1), 0, settledMeters);
        _settleCapped(SETTLED, _cappedBatch([uint32(500), 500, 500, 500], [uint32(0), 0, 0, 1000]));
        corrections.correctMeter(HOOD, SETTLED, 0, settledResults, 1, CORRECTED_WH, 0, "read again");
        _deployNext();
    }

    function _deployNext() internal {
        nextRegistry = new MeterRegistry(address(this), address(this));
        nextCredit = new CreditToken(address(this), address(this), address(this), nextRegistry, TREASURY);
        nextTariffs = new TariffSchedule(address(this), address(this), nextRegistry);
        nextContracts = new PowerContracts(nextRegistry);
        nextCostCap = new CostCap(address(this), nextRegistry, nextTariffs, nextCredit);
        nextSettlement = new NeighbourhoodSettlement(
            address(this),
            address(this),
            nextRegistry,
            nextTariffs,
            nextContracts,
            nextCredit,
            nextCostCap
        );
        nextCorrections = new SettlementCorrections(
            address(this),
            address(this),
            nextRegistry,
            nextTariffs,
            nextSettlement,
            nextCredit,
            nextCostCap
        );
        nextCredit.grantRole(Roles.SETTLEMENT, address(nextSettlement));
        nextCredit.grantRole(Roles.SETTLEMENT, address(nextCorrections));
        nextCredit.grantRole(Roles.SETTLEMENT, address(nextCostCap));
        nextCostCap.grantRole(Roles.SETTLEMENT, address(nextSettlement));
        nextCostCap.grantRole(Roles.SETTLEMENT, address(nextCorrections));
    }

    function _old() internal view returns (IMigratable[7] memory) {
        return [IMigratable(registry), credit, tariffs, contracts, costCap, settlement, corrections];
    }

    function _next() internal view returns (IMigratable[7] memory) {
        return
            [
                IMigratable(nextRegistry),
                nextCredit,
                nextTariffs,
                nextContracts,
                nextCostCap,
                nextSettlement,
                nextCorrections
            ];
    }

    /// @dev The timelock's hand-over: every old contract retired, every new one bound to it.
    function _handOver() internal {
        IMigratable[7] memory old = _old();
        IMigratable[7] memory next = _next();
        for (uint256 i; i < 7; ++i) {
            old[i].retire();
            next[i].importFrom(address(old[i]));
        }
    }

    /// @return calls How many importNext calls copying took, `max` items each.
    function _copyAll(uint256 max) internal returns (uint256 calls) {
        IMigratable[7] memory next = _next();
        for (uint256 i; i < 7; ++i) {
            while (!next[i].importComplete()) {
                next[i].importNext(max);
                ++calls;
            }
        }
    }

    function _goLive() internal {
        IMigratable[7] memory next = _next();
        for (uint256 i; i < 7; ++i) next[i].goLive();
    }

    function _migrate() internal {
        _handOver();
        _copyAll(100);
        _goLive();
    }
}
