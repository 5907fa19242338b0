// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditToken} from "../CreditToken.sol";
import {IMeterRegistry} from "../interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "../interfaces/INeighbourhoodSettlement.sol";
import {ITariffSchedule} from "../interfaces/ITariffSchedule.sol";
import {MeterRegistry} from "../MeterRegistry.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {PowerContracts} from "../PowerContracts.sol";
import {Roles} from "../Roles.sol";
import {TariffSchedule} from "../TariffSchedule.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "../Units.sol";
import {TestBase} from "./TestBase.t.sol";

/// @notice A deployed neighbourhood with `METERS` meters, owners 0x1001…, each topped up with 50 euros,
///         a simple VAT-free tariff (grid 40 ct, pool 25 ct, feed-in 7.9 ct), and the clock at
///         interval NOW. This test contract is admin, operator and bridge.
abstract contract Fixture is TestBase {
    uint256 internal constant METERS = 4;
    uint256 internal constant TOP_UP = 50e6;
    uint256 internal constant TREASURY_FLOAT = 1000e6;
    uint64 internal constant NOW = 1000;
    NeighbourhoodId internal constant HOOD = NeighbourhoodId.wrap(keccak256("burtscheid-sued"));
    address internal constant TREASURY = address(0x7e5);
    address internal constant STRANGER = address(0xbad);
    bytes32 internal constant COMMITMENT = keccak256("raw readings");

    MeterRegistry internal registry;
    CreditToken internal credit;
    TariffSchedule internal tariffs;
    PowerContracts internal contracts;
    NeighbourhoodSettlement internal settlement;
    MeterId[METERS] internal meterIds;
    address[METERS] internal owners;

    function setUp() public virtual {
        vm.warp(uint256(NOW) * 900);
        registry = new MeterRegistry(address(this), address(this));
        credit = new CreditToken(address(this), address(this), registry, TREASURY);
        tariffs = new TariffSchedule(address(this), address(this), registry);
        contracts = new PowerContracts(registry);
        settlement = new NeighbourhoodSettlement(address(this), address(this), registry, tariffs, contracts, credit);
        credit.grantRole(Roles.SETTLEMENT, address(settlement));
        registry.registerNeighbourhood(HOOD, IMeterRegistry.Neighbourhood(true, AllocationKey.ProRata, 96, 4));
        tariffs.setInitialTariff(HOOD, _simpleTariff(), 0);
        for (uint256 i; i < METERS; ++i) {
            // Ids ascend with i, so batches built in index order are sorted.
            meterIds[i] = MeterId.wrap(bytes32(i + 1));
            owners[i] = address(uint160(0x1001 + i));
            registry.registerMeter(meterIds[i], HOOD, owners[i]);
            credit.topUp(owners[i], TOP_UP);
        }
        credit.topUp(TREASURY, TREASURY_FLOAT);
    }

    /// @dev Grid 40 ct (30 energy + 10 grid fee), pool 25 ct, feed-in 7.9 ct; no local fees, no VAT.
    function _simpleTariff() internal pure returns (ITariffSchedule.Tariff memory) {
        return ITariffSchedule.Tariff(300_000, 100_000, 0, 0, 0, 0, 79_000, 250_000, 0);
    }

    function _batch(
        uint64[METERS] memory imports,
        uint64[METERS] memory exports
    ) internal view returns (INeighbourhoodSettlement.MeterEnergy[] memory batch) {
        batch = new INeighbourhoodSettlement.MeterEnergy[](METERS);
        for (uint256 i; i < METERS; ++i) {
            batch[i] = INeighbourhoodSettlement.MeterEnergy(meterIds[i], imports[i], exports[i]);
        }
    }

    /// @dev The header of a one-chunk batch without contracts or price limits, under pro rata.
    function _proRataHeader(
        INeighbourhoodSettlement.MeterEnergy[] memory batch,
        uint16 chunkCount
    ) internal pure returns (INeighbourhoodSettlement.BatchHeader memory header) {
        for (uint256 i; i < batch.length; ++i) {
            header.poolDemandWh += batch[i].importWh;
            header.poolSupplyWh += batch[i].exportWh;
        }
        // Cumulative rounding hands out exactly min(demand, supply) under pro rata.
        if (header.poolDemandWh > 0) {
            header.poolBoughtWh = header.poolDemandWh < header.poolSupplyWh ? header.poolDemandWh : header.poolSupplyWh;
        }
        header.batchKey = keccak256(abi.encode(batch));
        header.commitment = COMMITMENT;
        header.chunkCount = chunkCount;
    }

    function _settle(uint64 interval, INeighbourhoodSettlement.MeterEnergy[] memory batch) internal {
        settlement.settleChunk(HOOD, interval, _proRataHeader(batch, 1), 0, batch);
    }

    function _moneyInAccounts() internal view returns (uint256 total) {
        total = credit.balanceOf(TREASURY);
        for (uint256 i; i < METERS; ++i) total += credit.balanceOf(owners[i]);
    }
}
