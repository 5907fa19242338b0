// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {Roles} from "./Roles.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract CreditTokenTest is Fixture {
    function test_decimals_isSix() public view {
        assertEq(credit.decimals(), 6, "decimals");
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

    function test_pay_revertsWhen_theTreasuryCannotCoverIt() public {
        credit.grantRole(Roles.SETTLEMENT, address(this));
        vm.expectRevert(
            abi.encodeWithSelector(ICreditToken.CreditInsufficientBalance.selector, owners[0], TOP_UP, TOP_UP + 1)
        );
        credit.pay(owners[0], owners[1], TOP_UP + 1);
    }

    function test_topUp_repaysPartOfADebt() public {
        credit.grantRole(Roles.SETTLEMENT, address(this));
        credit.charge(owners[0], TREASURY, TOP_UP + 30e6);
        assertEq(credit.debtOf(owners[0]), 30e6, "debt");
        credit.topUp(owners[0], 10e6);
        assertEq(credit.debtOf(owners[0]), 20e6, "debt partly repaid");
        assertEq(credit.balanceOf(owners[0]), 0, "nothing credited while in debt");
        assertTrue(credit.treasury() == TREASURY, "treasury");
    }

    function test_approve_reverts() public {
        vm.prank(owners[0]);
        vm.expectRevert(ICreditToken.CreditNotTransferable.selector);
        credit.approve(owners[1], 1);
    }

    function test_topUp_revertsWhen_callerIsNotTheOperator() public {
        vm.prank(STRANGER);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, STRANGER, Roles.OPERATOR)
        );
        credit.topUp(STRANGER, 1e6);
    }

    function test_topUp_revertsWhen_accountNotRegistered() public {
        vm.expectRevert(abi.encodeWithSelector(ICreditToken.CreditHolderNotRegistered.selector, STRANGER));
        credit.topUp(STRANGER, 1e6);
    }

    function test_payOut_burns() public {
        uint256 supply = credit.totalSupply();
        credit.payOut(owners[0], 20e6);
        assertEq(credit.balanceOf(owners[0]), TOP_UP - 20e6, "balance");
        assertEq(credit.totalSupply(), supply - 20e6, "supply");
    }

    function test_payOut_revertsWhen_balanceTooLow() public {
        vm.expectRevert(
            abi.encodeWithSelector(ICreditToken.CreditInsufficientBalance.selector, owners[0], TOP_UP, TOP_UP + 1)
        );
        credit.payOut(owners[0], TOP_UP + 1);
    }

    function test_charge_revertsWhen_callerIsNotTheSettlement() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector,
                address(this),
                Roles.SETTLEMENT
            )
        );
        credit.charge(owners[0], TREASURY, 1);
    }

    function test_pause_stopsSettlementAndTopUps() public {
        credit.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        credit.topUp(owners[0], 1e6);
        credit.unpause();
        credit.topUp(owners[0], 1e6);
        assertEq(credit.balanceOf(owners[0]), TOP_UP + 1e6, "top-up after unpause");
    }

    /// Supply always equals the euros paid in minus the euros paid out.
    function testFuzz_topUpAndPayOut_keepSupplyEqualToEuroReserve(uint96 topUp, uint96 payOut) public {
        uint256 reserve = credit.totalSupply();
        credit.topUp(owners[2], topUp);
        reserve += topUp;
        uint256 out = bound(payOut, 0, credit.balanceOf(owners[2]));
        credit.payOut(owners[2], out);
        reserve -= out;
        assertEq(credit.totalSupply(), reserve, "supply equals reserve");
    }
}
