// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {Roles} from "./Roles.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract CreditTokenTest is Fixture {
    int64 private constant MAX = type(int48).max;
    int64 private constant MIN = type(int48).min;

    /// @dev This test contract also plays the settlement, to call applyChanges.
    function setUp() public override {
        super.setUp();
        credit.grantRole(Roles.SETTLEMENT, address(this));
    }

    function test_metadata_describesACreditOfSixDecimals() public view {
        assertEq(credit.decimals(), 6, "decimals");
        assertEq(keccak256(bytes(credit.name())), keccak256("Nachbarstrom Credit"), "name");
        assertEq(keccak256(bytes(credit.symbol())), keccak256("NSC"), "symbol");
        assertEq(credit.allowance(owners[0], owners[1]), 0, "no allowances");
        assertTrue(credit.treasury() == TREASURY, "treasury");
        assertEq(int256(credit.totalSupply()), _issued(), "supply is what was issued");
        assertEq(_issued(), int256(METERS * TOP_UP + TREASURY_FLOAT), "issued");
    }

    function test_transfer_reverts() public {
        vm.prank(owners[0]);
        vm.expectRevert(ICreditToken.CreditNotTransferable.selector);
        credit.transfer(owners[1], 1);
    }

    function test_transferFrom_reverts() public {
        vm.expectRevert(ICreditToken.CreditNotTransferable.selector);
        credit.transferFrom(owners[0], owners[1], 1);
    }

    function test_approve_reverts() public {
        vm.prank(owners[0]);
        vm.expectRevert(ICreditToken.CreditNotTransferable.selector);
        credit.approve(owners[1], 1);
    }

    function test_topUp_creditsAndIssues() public {
        int256 issued = _issued();
        vm.expectEmit(address(credit));
        emit ICreditToken.ToppedUp(owners[0], 2e6, 0);
        credit.topUp(owners[0], 2e6);
        assertEq(credit.positionOf(owners[0]), int256(TOP_UP + 2e6), "position");
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 2e6, "balance");
        assertEq(_issued(), issued + 2e6, "issued");
    }

    function test_topUp_repaysPartOfADebt() public {
        _change(1, -int64(int256(TOP_UP + 30e6)));
        assertEq(credit.positionOf(owners[0]), -30e6, "negative position");
        assertEq(credit.debtOf(owners[0]), 30e6, "debt");
        vm.expectEmit(address(credit));
        emit ICreditToken.ToppedUp(owners[0], 10e6, 10e6);
        credit.topUp(owners[0], 10e6);
        assertEq(credit.debtOf(owners[0]), 20e6, "debt partly repaid");
        assertEq(credit.balanceOf(owners[0]), 0, "nothing credited while in debt");
    }

    function test_topUp_repaysADebtAndCreditsTheRest() public {
        _change(1, -int64(int256(TOP_UP + 30e6)));
        vm.expectEmit(address(credit));
        emit ICreditToken.ToppedUp(owners[0], 45e6, 30e6);
        credit.topUp(owners[0], 45e6);
        assertEq(credit.debtOf(owners[0]), 0, "debt repaid");
        assertEq(credit.balanceOf(owners[0]), 15e6, "rest credited");
    }

    function test_topUp_revertsWhen_callerIsNotTheTreasurer() public {
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.TREASURER)
        );
        credit.topUp(STRANGER, 1e6);
    }

    function test_topUp_revertsWhen_accountNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditHolderNotRegistered.selector, STRANGER));
        credit.topUp(STRANGER, 1e6);
    }

    function test_topUp_revertsWhen_amountTooLarge() public {
        uint256 amount = uint256(int256(MAX)) + 1;
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditAmountTooLarge.selector, amount));
        credit.topUp(owners[0], amount);
    }

    function test_topUp_revertsWhen_thePositionWouldOverflow() public {
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditPositionOverflow.selector, 1));
        credit.topUp(owners[0], uint256(int256(MAX)));
    }

    function test_payOut_burns() public {
        int256 issued = _issued();
        vm.expectEmit(address(credit));
        emit ICreditToken.PaidOut(owners[0], 20e6);
        credit.payOut(owners[0], 20e6);
        assertEq(credit.balanceOf(owners[0]), TOP_UP - 20e6, "balance");
        assertEq(_issued(), issued - 20e6, "issued");
    }

    /// The utility advances a producer's pay (the treasury goes negative); the producer is then paid
    /// out in euros the utility has not received: topped up minus paid out falls below zero.
    function test_payOut_paysOutAdvancedPay_evenBelowZeroIssued() public {
        credit.payOut(TREASURY, TREASURY_FLOAT);
        for (uint256 i; i < METERS; ++i) credit.payOut(owners[i], TOP_UP);
        _change(1, 1e6);
        assertEq(credit.treasuryPosition(), -1e6, "treasury advances the pay");
        credit.payOut(owners[0], 1e6);
        assertEq(credit.positionOf(owners[0]), 0, "paid out in full");
        assertEq(_issued(), -1e6, "issued below zero");
        assertEq(_moneyInAccounts(), _issued(), "positions add up to what was issued");
    }

    function test_payOut_revertsWhen_beyondTheBalance() public {
        _expectInsufficient(owners[0], TOP_UP, TOP_UP + 1);
        _change(1, -int64(int256(TOP_UP + 1)));
        _expectInsufficient(owners[0], 0, 1);
        _expectInsufficient(STRANGER, 0, 1);
    }

    function test_payOut_revertsWhen_callerIsNotTheTreasurer() public {
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.TREASURER)
        );
        credit.payOut(owners[0], 1);
    }

    function test_applyChanges_movesAgainstTheTreasury() public {
        int256 issued = _issued();
        uint256[] memory changes = new uint256[](3);
        changes[0] = _word(1, 5e6);
        changes[1] = _word(4, -3e6);
        // Account 1 again, after another slot: the ledger writes each change.
        changes[2] = _word(1, 1e6);
        credit.applyChanges(changes);
        assertEq(credit.positionOf(owners[0]), int256(TOP_UP + 6e6), "credited twice");
        assertEq(credit.positionOf(owners[3]), int256(TOP_UP - 3e6), "debited");
        assertEq(credit.treasuryPosition(), int256(TREASURY_FLOAT) - 3e6, "treasury takes the opposite");
        assertEq(_issued(), issued, "nothing issued");
        assertEq(_moneyInAccounts(), issued, "positions add up to what was issued");
    }

    function test_applyChanges_revertsWhen_callerIsNotTheSettlement() public {
        uint256[] memory changes = new uint256[](0);
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.SETTLEMENT)
        );
        credit.applyChanges(changes);
    }

    function test_applyChanges_revertsWhen_aPositionWouldOverflow() public {
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditPositionOverflow.selector, 1));
        _change(1, MAX);
        uint256[] memory changes = new uint256[](2);
        changes[0] = _word(2, MIN);
        changes[1] = _word(2, MIN);
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditPositionOverflow.selector, 2));
        credit.applyChanges(changes);
    }

    function test_pause_stopsTopUpsPayOutsAndSettlement() public {
        credit.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        credit.topUp(owners[0], 1e6);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        credit.payOut(owners[0], 1e6);
        vm.expectRevert(Pausable.EnforcedPause.selector);
        credit.applyChanges(new uint256[](0));
        credit.unpause();
        credit.topUp(owners[0], 1e6);
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 1e6, "top-up after unpause");
    }

    function test_pause_revertsWhen_callerIsNotTheOperator() public {
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            STRANGER,
            Roles.OPERATOR
        );
        vm.prank(STRANGER);
        vm.expectRevert(unauthorized);
        credit.pause();
        credit.pause();
        vm.prank(STRANGER);
        vm.expectRevert(unauthorized);
        credit.unpause();
    }

    function test_positions_ofStrangersAndTheTreasury() public view {
        assertEq(credit.positionOf(STRANGER), 0, "stranger position");
        assertEq(credit.balanceOf(STRANGER), 0, "stranger balance");
        assertEq(credit.debtOf(STRANGER), 0, "stranger debt");
        assertEq(credit.balanceOf(TREASURY), TREASURY_FLOAT, "treasury balance");
        assertEq(credit.treasuryPosition(), int256(TREASURY_FLOAT), "treasury position");
    }

    /// The sum of the positions always equals the euros paid in minus the euros paid out.
    function testFuzz_topUpAndPayOut_keepPositionsEqualToIssued(uint64 topUp, uint64 payOut) public {
        uint256 amount = bound(topUp, 0, uint256(int256(MAX)) - TOP_UP);
        int256 issued = _issued();
        credit.topUp(owners[2], amount);
        uint256 out = bound(payOut, 0, credit.balanceOf(owners[2]));
        credit.payOut(owners[2], out);
        assertEq(_issued(), issued + int256(amount) - int256(out), "issued follows the euros");
        assertEq(_moneyInAccounts(), _issued(), "positions add up to what was issued");
    }

    /// Whatever settlement moves, the treasury takes the opposite: nothing is issued or lost.
    function testFuzz_applyChanges_conservesMoney(int64[METERS] memory changes) public {
        uint256[] memory words = new uint256[](METERS);
        int256 total;
        for (uint256 i; i < METERS; ++i) {
            int64 change = int64(int256(bound(uint64(changes[i]), 0, 2e12)) - 1e12);
            words[i] = _word(uint32(i + 1), change);
            total += change;
        }
        int256 treasury = credit.treasuryPosition();
        credit.applyChanges(words);
        assertEq(credit.treasuryPosition(), treasury - total, "treasury takes the opposite");
        assertEq(_moneyInAccounts(), _issued(), "positions add up to what was issued");
    }

    function _expectInsufficient(address account, uint256 balance, uint256 amount) private {
        vm.expectRevert(
            abi.encodeWithSelector(ICreditToken.CreditInsufficientBalance.selector, account, balance, amount)
        );
        credit.payOut(account, amount);
    }

    /// @dev Applies one signed change to account `number` as settlement would.
    function _change(uint32 number, int64 change) private {
        uint256[] memory changes = new uint256[](1);
        changes[0] = _word(number, change);
        credit.applyChanges(changes);
    }

    /// @dev A ledger change word: account number in bits 64–95, the change as int64 in bits 0–63.
    function _word(uint32 number, int64 change) private pure returns (uint256) {
        return (uint256(number) << 64) | uint64(change);
    }
}
