// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMeterRegistry} from "../interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement as S} from "../interfaces/INeighbourhoodSettlement.sol";
import {ITariffSchedule} from "../interfaces/ITariffSchedule.sol";
import {AllocationKey, MeterId, NeighbourhoodId} from "../Units.sol";
import {Chunks} from "./Chunks.t.sol";
import {Fixture} from "./Fixture.t.sol";

/// @notice The fixture plus a second neighbourhood, CAPPED, with the cost cap and a tariff whose pool
///         energy is dearer than the grid (as test/contracts/cost-cap.ts): its `METERS` meters have the
///         numbers METERS + 1 … 2 × METERS, owners 0x2001…, each topped up with 50 euros. The clock
///         stands one day into April 2026 (Berlin time).
abstract contract CappedFixture is Fixture {
    NeighbourhoodId internal constant CAPPED = NeighbourhoodId.wrap(keccak256("capped"));
    uint32 internal constant APRIL = 202604;
    uint32 internal constant MAY = 202605;
    /// 2026-03-31T22:00:00Z (midnight in Berlin, summer time) / 900.
    uint64 internal constant APRIL_START = 1_972_216;
    /// 2026-04-30T22:00:00Z / 900.
    uint64 internal constant MAY_START = 1_975_096;
    /// gridNet: 15 + 5 ct energy and grid fee, 2.05 + 1.32 + 2.651 ct tax, concession fee and levies.
    uint256 internal constant GRID_NET = 260_210;
    /// 10,000 + 19 % VAT in basis points.
    uint256 internal constant VAT_FACTOR = 11_900;
    /// What a kWh of pool energy costs a buyer, net: community 38 ct + local surcharge 10.421 ct.
    uint256 internal constant POOL_NET = 484_210;

    MeterId[METERS] internal cappedIds;
    address[METERS] internal cappedOwners;

    function setUp() public virtual override {
        super.setUp();
        registry.registerNeighbourhood(CAPPED, IMeterRegistry.Neighbourhood(true, AllocationKey.ProRata, 0, 0, true));
        tariffs.setInitialTariff(CAPPED, _dearPoolTariff(), 0);
        for (uint256 i; i < METERS; ++i) {
            cappedIds[i] = MeterId.wrap(keccak256(abi.encode("capped meter", i)));
            cappedOwners[i] = address(uint160(0x2001 + i));
            registry.registerMeter(cappedIds[i], CAPPED, cappedOwners[i]);
            credit.topUp(cappedOwners[i], TOP_UP);
        }
        vm.warp(uint256(APRIL_START + 96) * 900);
    }

    /// @dev The demo tariff with grid energy 15 ct, grid fee 5 ct and community price 38 ct: pool energy
    ///      (48.421 ct net) is dearer than the grid (26.021 ct net); 19 % VAT.
    function _dearPoolTariff() internal pure returns (ITariffSchedule.Tariff memory) {
        return ITariffSchedule.Tariff(150_000, 50_000, 44_000, 20_500, 13_200, 26_510, 79_000, 380_000, 1900);
    }

    /// @return What grid-only supply of `importWh` costs in one interval under the dear-pool tariff.
    function _gridOnly(uint256 importWh) internal pure returns (uint64) {
        return uint64((importWh * GRID_NET * VAT_FACTOR) / 10_000_000);
    }

    /// @return The number of capped meter `i`.
    function _cappedNumber(uint256 i) internal pure returns (uint32) {
        return uint32(METERS + 1 + i);
    }

    /// @dev All capped meters as one chunk, in order.
    function _cappedBatch(
        uint32[METERS] memory imports,
        uint32[METERS] memory exports
    ) internal pure returns (bytes memory meters) {
        for (uint256 i; i < METERS; ++i) {
            meters = bytes.concat(meters, Chunks.meter(_cappedNumber(i), imports[i], exports[i]));
        }
    }

    /// @return results The results of settling `meters` as the one chunk of `interval` in CAPPED.
    function _settleCapped(uint64 interval, bytes memory meters) internal returns (bytes memory results) {
        S.BatchHeader memory header = _proRataHeader(meters, 1);
        vm.recordLogs();
        settlement.settleChunk(CAPPED, interval, header, 0, meters);
        bytes[] memory found = Chunks.settled(vm.getRecordedLogs(), address(settlement));
        assertEq(found.length, 1, "one ChunkSettled");
        return found[0];
    }

    function _cappedPositions() internal view returns (int256[METERS] memory positions) {
        for (uint256 i; i < METERS; ++i) positions[i] = credit.positionOf(cappedOwners[i]);
    }

    /// @dev Σ the capped owners' positions and the treasury's: the money the capped tests move.
    function _cappedMoney() internal view returns (int256 total) {
        total = credit.treasuryPosition();
        for (uint256 i; i < METERS; ++i) total += credit.positionOf(cappedOwners[i]);
    }

    /// @return A pseudo-random word for fuzz tests: the hash of the seed and two indices.
    function _random(uint256 seed, uint256 a, uint256 b) internal pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, a, b)));
    }
}
