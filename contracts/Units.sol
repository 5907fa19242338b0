// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @notice A pseudonymous meter id: keccak256(salt, metering point id). The salt and the link to a
///         person stay in the utility's off-chain store.
type MeterId is bytes32;

/// @notice A neighbourhood id: keccak256 of the neighbourhood's slug, e.g. "burtscheid-sued".
type NeighbourhoodId is bytes32;
