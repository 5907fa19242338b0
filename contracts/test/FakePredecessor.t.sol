// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMigratable} from "../interfaces/IMigratable.sol";

/// @notice A retired "credit token" whose books do not balance: `issued` says 1 base unit, yet every
///         position is 0. The only way to show that a copy which does not add up cannot go live.
contract FakePredecessor {
    address public immutable treasury;

    constructor(address treasury_) {
        treasury = treasury_;
    }

    function migrationPhase() external pure returns (IMigratable.Phase) {
        return IMigratable.Phase.Retired;
    }

    function retiredAt() external pure returns (uint64) {
        return 0;
    }

    function treasuryPosition() external pure returns (int256) {
        return 0;
    }

    function issued() external pure returns (int256) {
        return 1;
    }

    function positionOf(address) external pure returns (int256) {
        return 0;
    }
}
