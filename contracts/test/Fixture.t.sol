// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditToken} from "../CreditToken.sol";
import {IMeterRegistry} from "../interfaces/IMeterRegistry.sol";
import {INeighbourhoodSettlement} from "../interfaces/INeighbourhoodSettlement.sol";
import {MeterRegistry} from "../MeterRegistry.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {Roles} from "../Roles.sol";
import {MeterId, NeighbourhoodId} from "../Units.sol";
import {TestBase} from "./TestBase.t.sol";

/// @notice A deployed neighbourhood with `METERS` meters, owners 0x1001…, each topped up with 50 euros.
///         This test contract is admin, operator and bridge.
abstract contract Fixture is TestBase {
    uint256 internal constant METERS = 4;
    uint256 internal constant TOP_UP = 50e6;
    uint256 internal constant TREASURY_FLOAT = 1000e6;
    NeighbourhoodId internal constant HOOD = NeighbourhoodId.wrap(keccak256("burtscheid-sued"));
    address internal constant TREASURY = address(0x7e5);
    address internal constant STRANGER = address(0xbad);

    MeterRegistry internal registry;
    CreditToken internal credit;
    NeighbourhoodSettlement internal settlement;
    MeterId[METERS] internal meterIds;
    address[METERS] internal owners;

    function setUp() public virtual {
        registry = new MeterRegistry(address(this), address(this));
        credit = new CreditToken(address(this), address(this), registry, TREASURY);
        settlement = new NeighbourhoodSettlement(address(this), address(this), registry, credit);
        credit.grantRole(Roles.SETTLEMENT, address(settlement));
        registry.registerNeighbourhood(
            HOOD,
            IMeterRegistry.Tariff({gridPrice: 400_000, feedInPrice: 79_000, communityPrice: 250_000})
        );
        for (uint256 i; i < METERS; ++i) {
            // Ids ascend with i, so batches built in index order are sorted.
            meterIds[i] = MeterId.wrap(bytes32(i + 1));
            owners[i] = address(uint160(0x1001 + i));
            registry.registerMeter(meterIds[i], HOOD, owners[i]);
            credit.topUp(owners[i], TOP_UP);
        }
        credit.topUp(TREASURY, TREASURY_FLOAT);
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

    function _moneyInAccounts() internal view returns (uint256 total) {
        total = credit.balanceOf(TREASURY);
        for (uint256 i; i < METERS; ++i) total += credit.balanceOf(owners[i]);
    }
}
