// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMigratable} from "./interfaces/IMigratable.sol";
import {intervalAt} from "./Units.sol";

/// @title Migratable
/// @notice See {IMigratable}. Each contract supplies who its admin is, what it copies and when the copy
///         is complete; this keeps the phases.
/// @dev Predecessor, phase and first interval share one slot: settlement reads it once per interval.
abstract contract Migratable is IMigratable {
    address private _previous;
    Phase private _phase;
    uint64 private _firstInterval;
    uint64 private _retiredAt;

    /// @dev For ordinary writes: refused while importing and once retired.
    modifier whenCurrent() {
        _checkCurrent();
        _;
    }

    /// @inheritdoc IMigratable
    function importFrom(address previous) external {
        _authorizeMigration();
        _expectPhase(Phase.Fresh);
        if (IMigratable(previous).migrationPhase() != Phase.Retired) revert MigrationPreviousNotRetired(previous);
        uint64 first = IMigratable(previous).retiredAt();
        _previous = previous;
        _phase = Phase.Importing;
        _firstInterval = first;
        _startImport(previous);
        emit MigrationStarted(previous, first);
    }

    /// @inheritdoc IMigratable
    function importNext(uint256 max) external {
        _expectPhase(Phase.Importing);
        emit MigrationCopied(_copy(_previous, max));
    }

    /// @inheritdoc IMigratable
    function goLive() external {
        _authorizeMigration();
        if (_phase == Phase.Importing) {
            (string memory what, uint256 copied, uint256 total) = _progress();
            if (copied != total) revert MigrationIncomplete(what, copied, total);
        } else {
            _expectPhase(Phase.Fresh);
        }
        _phase = Phase.Live;
        emit MigrationLive();
    }

    /// @inheritdoc IMigratable
    function retire() public virtual {
        _authorizeMigration();
        _checkCurrent();
        uint64 interval = intervalAt(block.timestamp);
        _phase = Phase.Retired;
        _retiredAt = interval;
        emit MigrationRetired(interval);
    }

    /// @inheritdoc IMigratable
    function importComplete() external view returns (bool) {
        if (_phase != Phase.Importing) return true;
        (, uint256 copied, uint256 total) = _progress();
        return copied == total;
    }

    /// @inheritdoc IMigratable
    function migrationPhase() external view returns (Phase) {
        return _phase;
    }

    /// @inheritdoc IMigratable
    function previousVersion() public view returns (address) {
        return _previous;
    }

    /// @inheritdoc IMigratable
    function firstInterval() public view returns (uint64) {
        return _firstInterval;
    }

    /// @inheritdoc IMigratable
    function retiredAt() external view returns (uint64) {
        return _retiredAt;
    }

    /// @dev Reverts unless the caller is the admin.
    function _authorizeMigration() internal view virtual;

    /// @dev Takes over what the predecessor holds as a whole (totals, links) and checks this version is
    ///      unused; items come by {_copy}. Settlement and corrections take over nothing.
    // solhint-disable-next-line no-empty-blocks
    function _startImport(address previous) internal virtual {}

    /// @dev Copies up to `max` items from `previous`; returns how many it copied. By default there is
    ///      nothing to copy.
    function _copy(address, uint256) internal virtual returns (uint256) {
        return 0;
    }

    /// @dev The first kind of item not yet copied completely (`what`, how many of how many); equal
    ///      counts when everything is. By default there is nothing to copy.
    function _progress() internal view virtual returns (string memory what, uint256 copied, uint256 total) {
        return ("nothing", 0, 0);
    }

    /// @dev The predecessor, and the first interval of this version, in one read; `importing` when the
    ///      copy is not live yet, `retired` once replaced.
    function _versionSlot() internal view returns (address previous, uint64 first, Phase phase) {
        return (_previous, _firstInterval, _phase);
    }

    /// @dev The version `current` (this version's registry) was bound to; reverts while it is not bound,
    ///      so the registry is bound first and every copy reads the same numbering.
    function _predecessorOf(address current) internal view returns (address previous) {
        previous = IMigratable(current).previousVersion();
        if (previous == address(0)) revert MigrationMismatch("registry not bound");
    }

    function _checkCurrent() internal view {
        Phase phase = _phase;
        if (phase == Phase.Importing || phase == Phase.Retired) revert MigrationNotCurrent(phase);
    }

    function _expectPhase(Phase expected) private view {
        if (_phase != expected) revert MigrationWrongPhase(_phase, expected);
    }
}
