// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CostCap} from "../CostCap.sol";
import {CreditToken} from "../CreditToken.sol";
import {IMeterRegistry} from "../interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement as S} from "../interfaces/INeighbourhoodSettlement.sol";
import {ITariffSchedule} from "../interfaces/ITariffSchedule.sol";
import {MeterRegistry} from "../MeterRegistry.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {PowerContracts} from "../PowerContracts.sol";
import {Roles} from "../Roles.sol";
import {SettlementCorrections} from "../SettlementCorrections.sol";
import {TariffSchedule} from "../TariffSchedule.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "../Units.sol";
import {Chunks, Result} from "./Chunks.t.sol";
import {TestBase} from "./TestBase.t.sol";

/// @notice A deployed neighbourhood with `METERS` meters, owners 0x1001…, each topped up with 50 euros,
///         a simple VAT-free tariff (grid 40 ct, pool 25 ct, feed-in 7.9 ct), and the clock at
///         interval NOW. Meter i has number i + 1 and its owner account number i + 1. This test
///         contract is admin, operator and bridge. Deployed and wired as test/contracts/system.ts does:
///         settlement, corrections and the cost cap move credit; settlement and corrections feed the
///         cost cap.
abstract contract Fixture is TestBase {
    uint256 internal constant METERS = 4;
    uint256 internal constant TOP_UP = 50e6;
    uint256 internal constant TREASURY_FLOAT = 1000e6;
    uint64 internal constant NOW = 1000;
    NeighbourhoodId internal constant HOOD = NeighbourhoodId.wrap(keccak256("burtscheid-sued"));
    NeighbourhoodId internal constant OTHER = NeighbourhoodId.wrap(keccak256("frankenberg"));
    address internal constant TREASURY = address(0x7e5);
    address internal constant STRANGER = address(0xbad);
    bytes32 internal constant COMMITMENT = keccak256("raw readings");

    MeterRegistry internal registry;
    CreditToken internal credit;
    TariffSchedule internal tariffs;
    PowerContracts internal contracts;
    CostCap internal costCap;
    NeighbourhoodSettlement internal settlement;
    SettlementCorrections internal corrections;
    MeterId[METERS] internal meterIds;
    address[METERS] internal owners;

    function setUp() public virtual {
        vm.warp(uint256(NOW) * 900);
        registry = new MeterRegistry(address(this), address(this));
        credit = new CreditToken(address(this), address(this), address(this), registry, TREASURY);
        tariffs = new TariffSchedule(address(this), address(this), registry);
        contracts = new PowerContracts(registry);
        costCap = new CostCap(address(this), registry, tariffs, credit);
        settlement = new NeighbourhoodSettlement(
            address(this),
            address(this),
            registry,
            tariffs,
            contracts,
            credit,
            costCap
        );
        corrections = new SettlementCorrections(
            address(this),
            address(this),
            registry,
            tariffs,
            settlement,
            credit,
            costCap
        );
        credit.grantRole(Roles.SETTLEMENT, address(settlement));
        credit.grantRole(Roles.SETTLEMENT, address(corrections));
        credit.grantRole(Roles.SETTLEMENT, address(costCap));
        costCap.grantRole(Roles.SETTLEMENT, address(settlement));
        costCap.grantRole(Roles.SETTLEMENT, address(corrections));
        registry.registerNeighbourhood(HOOD, _config(AllocationKey.ProRata, 96, 4));
        tariffs.setInitialTariff(HOOD, _simpleTariff(), 0);
        for (uint256 i; i < METERS; ++i) {
            meterIds[i] = MeterId.wrap(bytes32(i + 1));
            owners[i] = address(uint160(0x1001 + i));
            // Registered in order, so meter i has number i + 1.
            registry.registerMeter(meterIds[i], HOOD, owners[i]);
            credit.topUp(owners[i], TOP_UP);
        }
        credit.topUp(TREASURY, TREASURY_FLOAT);
    }

    function _config(
        AllocationKey key,
        uint32 tariffNotice,
        uint32 contractNotice
    ) internal pure returns (IMeterRegistry.Neighbourhood memory) {
        return IMeterRegistry.Neighbourhood(true, key, tariffNotice, contractNotice, false);
    }

    /// @dev Grid 40 ct (30 energy + 10 grid fee), pool 25 ct, feed-in 7.9 ct; no local fees, no VAT.
    function _simpleTariff() internal pure returns (ITariffSchedule.Tariff memory) {
        return ITariffSchedule.Tariff(300_000, 100_000, 0, 0, 0, 0, 79_000, 250_000, 0);
    }

    /// @dev All meters of the fixture as one chunk, numbers 1..METERS in order.
    function _batch(uint32[METERS] memory imports, uint32[METERS] memory exports) internal pure returns (bytes memory) {
        bytes memory meters;
        for (uint256 i; i < METERS; ++i) {
            meters = bytes.concat(meters, Chunks.meter(uint32(i + 1), imports[i], exports[i]));
        }
        return meters;
    }

    /// @dev The header of a batch without contracts or price limits, under pro rata.
    function _proRataHeader(bytes memory meters, uint16 chunkCount) internal pure returns (S.BatchHeader memory) {
        return Chunks.proRataHeader(meters, chunkCount, COMMITMENT);
    }

    /// @dev Settles `meters` as the one chunk of `interval`, under pro rata.
    function _settle(uint64 interval, bytes memory meters) internal {
        settlement.settleChunk(HOOD, interval, _proRataHeader(meters, 1), 0, meters);
    }

    /// @return results The `results` of the ChunkSettled event that settling the chunk emitted.
    function _settleRecorded(
        uint64 interval,
        S.BatchHeader memory header,
        uint16 chunkIndex,
        bytes memory meters
    ) internal returns (bytes memory results) {
        vm.recordLogs();
        settlement.settleChunk(HOOD, interval, header, chunkIndex, meters);
        bytes[] memory found = Chunks.settled(vm.getRecordedLogs(), address(settlement));
        assertEq(found.length, 1, "one ChunkSettled per chunk");
        return found[0];
    }

    /// @dev Checks one meter's line of a ChunkSettled event against the values expected.
    function _assertResult(bytes memory results, uint256 i, Result memory expected) internal pure {
        Result memory r = Chunks.result(results, i);
        assertEq(r.number, expected.number, "result: number");
        assertEq(r.importWh, expected.importWh, "result: importWh");
        assertEq(r.exportWh, expected.exportWh, "result: exportWh");
        assertEq(r.contractBoughtWh, expected.contractBoughtWh, "result: contractBoughtWh");
        assertEq(r.contractSoldWh, expected.contractSoldWh, "result: contractSoldWh");
        assertEq(r.poolBoughtWh, expected.poolBoughtWh, "result: poolBoughtWh");
        assertEq(r.poolSoldWh, expected.poolSoldWh, "result: poolSoldWh");
        assertEq(r.debit, expected.debit, "result: debit");
        assertEq(r.credit, expected.credit, "result: credit");
    }

    /// @dev An accepted contract from meter 0 to meter 1 at 20 ct for intervals [NOW + 1, NOW + 10); the
    ///      clock then moves on so that those intervals can settle.
    function _contract(uint32 capWh) internal returns (uint64 id) {
        vm.prank(owners[0]);
        id = contracts.offer(meterIds[0], meterIds[1], 200_000, capWh, NOW + 1, NOW + 10);
        vm.prank(owners[1]);
        contracts.accept(id);
        vm.warp(uint256(NOW + 3) * 900);
    }

    /// @dev What the credit says was issued, signed: topped up minus paid out may fall below zero
    ///      while the treasury advances producers' pay.
    function _issued() internal view returns (int256) {
        return int256(credit.issued());
    }

    /// @dev Σ signed positions of the owners and the treasury: all the money there is.
    function _moneyInAccounts() internal view returns (int256 total) {
        total = credit.treasuryPosition();
        for (uint256 i; i < METERS; ++i) total += credit.positionOf(owners[i]);
    }
}
