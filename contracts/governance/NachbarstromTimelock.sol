// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title NachbarstromTimelock
/// @notice Holds the admin role of every Nachbarstrom contract: granting or revoking a role is
///         proposed by the operators jointly (a multisig as proposer), is visible on chain during the
///         delay, and is then executed. No single key can grant itself a role at once.
contract NachbarstromTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory proposers,
        address[] memory executors
    ) TimelockController(minDelay, proposers, executors, address(0)) {}
}
