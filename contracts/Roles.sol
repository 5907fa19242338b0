// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Roles
/// @notice The role identifiers that every Nachbarstrom contract checks with OpenZeppelin AccessControl.
/// @dev DEFAULT_ADMIN_ROLE (0x00) grants and revokes roles; in production it is held jointly by the
///      operators (a multisig or timelock), on the local chain by the well-known development account 0.
library Roles {
    /// @notice The utility's operations: registers neighbourhoods, meters and participants, announces
    ///         tariffs, corrects settled meter-intervals, pauses the credit in an emergency.
    bytes32 internal constant OPERATOR = keccak256("nachbarstrom.role.operator");
    /// @notice The meter bridge: submits one batch per neighbourhood-interval.
    bytes32 internal constant BRIDGE = keccak256("nachbarstrom.role.bridge");
    /// @notice The settlement contract: the only holder allowed to move credit between participants.
    bytes32 internal constant SETTLEMENT = keccak256("nachbarstrom.role.settlement");
    /// @notice The utility's treasurer: mints credit on a top-up and burns it on a pay-out, against euros
    ///         received and sent. A key apart from the operator's, so no single key can register an
    ///         account of its own and mint credit to it.
    bytes32 internal constant TREASURER = keccak256("nachbarstrom.role.treasurer");
    /// @notice An auditor: reads everything, changes nothing. Checked by the portal's server, which shows
    ///         the operator console read-only; on chain the role grants no write.
    bytes32 internal constant AUDITOR = keccak256("nachbarstrom.role.auditor");
}
