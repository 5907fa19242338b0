// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IMigratable
/// @notice How one contract version hands over to the next (ADR 0009): version N+1 is deployed beside
///         N; the admin (the timelock) retires N and binds N+1 to it in one operation; anyone then copies
///         N's state into N+1 in as many transactions as it takes, each reading N on chain, so no value
///         can be chosen by the caller; the admin finally puts N+1 live, which checks the copy is
///         complete. N stays readable for the history it settled.
interface IMigratable {
    /// @notice Fresh: deployed, nothing imported (ordinary use allowed, for deployments without a
    ///         predecessor). Importing: bound to a predecessor, copying (ordinary writes refused).
    ///         Live: in use, no more imports. Retired: replaced, read-only.
    enum Phase {
        Fresh,
        Importing,
        Live,
        Retired
    }

    /// @notice An ordinary write while the contract is importing or retired.
    error MigrationNotCurrent(Phase phase);
    /// @notice A migration step in a phase that does not allow it (`expected` is the phase it needs).
    error MigrationWrongPhase(Phase phase, Phase expected);
    /// @notice The predecessor named in {importFrom} is not retired.
    error MigrationPreviousNotRetired(address previous);
    /// @notice The predecessor differs from this version in `field` (for example another treasury).
    error MigrationMismatch(string field);
    /// @notice {goLive} before every item of the predecessor was copied.
    error MigrationIncomplete(string what, uint256 copied, uint256 total);
    /// @notice {importFrom} into a version that was already used (the copy would renumber).
    error MigrationTargetNotEmpty();
    /// @notice The caller is not the admin.
    error MigrationUnauthorized(address caller);

    event MigrationStarted(address indexed previous, uint64 firstInterval);
    event MigrationCopied(uint256 copied);
    event MigrationLive();
    event MigrationRetired(uint64 interval);

    /// @notice Binds this fresh version to its retired predecessor and starts the copy. Admin only, once.
    function importFrom(address previous) external;

    /// @notice Copies up to `max` more items from the predecessor. Anyone, while importing; repeat
    ///         until {importComplete}. Each call continues where the last ended, so a failed or
    ///         interrupted copy resumes by calling again.
    function importNext(uint256 max) external;

    /// @notice Ends the import (or seals a fresh deployment); reverts while the copy is incomplete.
    ///         Admin only.
    function goLive() external;

    /// @notice Makes this version read-only for its successor. Admin only.
    function retire() external;

    /// @return Whether every item of the predecessor has been copied.
    function importComplete() external view returns (bool);

    function migrationPhase() external view returns (Phase);

    /// @return The predecessor this version imported from (0 when none).
    function previousVersion() external view returns (address);

    /// @return The first interval this version counts from: the interval in progress when the
    ///         predecessor retired (0 without one). Earlier intervals belong to the predecessor.
    function firstInterval() external view returns (uint64);

    /// @return The interval in progress when this version retired (0 while it is not retired).
    function retiredAt() external view returns (uint64);
}
