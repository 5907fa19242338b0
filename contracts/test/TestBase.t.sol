// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Names follow the cheatcode convention every Solidity test suite uses (Vm, vm).
// solhint-disable interface-starts-with-i, const-name-snakecase

/// @notice The few cheatcodes the Solidity tests use (forge-std is not available from npm).
interface Vm {
    /// @notice A log captured by {recordLogs}.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 selector) external;
    function expectRevert() external;
    /// @notice The next call must emit the event emitted next by the test, from `emitter`, all topics
    ///         and data equal.
    function expectEmit(address emitter) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
    function assume(bool condition) external pure;
    /// @notice Skips the rest of the test when `skipTest` is true (reported as skipped).
}

/// @notice Base for Solidity tests: the cheatcode address and small assertions with explicit reasons.
abstract contract TestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string what, uint256 actual, uint256 expected);
    error AssertionFailedSigned(string what, int256 actual, int256 expected);
    error AssertionFailedBytes32(string what, bytes32 actual, bytes32 expected);

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailed(what, actual, expected);
    }

    function assertEq(int256 actual, int256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedSigned(what, actual, expected);
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedBytes32(what, actual, expected);
    }

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what, 0, 1);
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }
}
