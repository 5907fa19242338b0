// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Roles} from "./Roles.sol";

/// @title CreditToken
/// @notice See {ICreditToken}. ERC-20 only for reading (balanceOf, totalSupply, decimals) by wallets
///         and explorers; every ERC-20 write reverts with {CreditNotTransferable}.
contract CreditToken is ICreditToken, ERC20, AccessControl, Pausable {
    IMeterRegistry private immutable _registry;
    address private immutable _treasury;
    mapping(address account => uint256 debt) private _debts;

    constructor(
        address admin,
        address operator,
        IMeterRegistry registry,
        address treasury_
    ) ERC20("Nachbarstrom Credit", "NSC") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
        _registry = registry;
        _treasury = treasury_;
    }

    /// @notice 1.000000 credit = 1 euro.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @inheritdoc ICreditToken
    function topUp(address account, uint256 amount) external onlyRole(Roles.OPERATOR) {
        uint256 debt = _debts[account];
        uint256 repaid = amount < debt ? amount : debt;
        if (repaid > 0) {
            _debts[account] = debt - repaid;
            _mint(_treasury, repaid);
        }
        if (amount > repaid) _mint(account, amount - repaid);
        emit ToppedUp(account, amount, repaid);
    }

    /// @inheritdoc ICreditToken
    function payOut(address account, uint256 amount) external onlyRole(Roles.OPERATOR) {
        uint256 balance = balanceOf(account);
        if (balance < amount) revert CreditInsufficientBalance(account, balance, amount);
        _burn(account, amount);
        emit PaidOut(account, amount);
    }

    /// @inheritdoc ICreditToken
    function charge(
        address from,
        address to,
        uint256 amount
    ) external onlyRole(Roles.SETTLEMENT) returns (uint256 debt) {
        uint256 balance = balanceOf(from);
        uint256 covered = amount < balance ? amount : balance;
        debt = amount - covered;
        if (covered > 0) _update(from, to, covered);
        if (debt > 0) {
            uint256 totalDebt = _debts[from] + debt;
            _debts[from] = totalDebt;
            emit DebtIncurred(from, debt, totalDebt);
        }
    }

    /// @inheritdoc ICreditToken
    function pay(address from, address to, uint256 amount) external onlyRole(Roles.SETTLEMENT) {
        uint256 balance = balanceOf(from);
        if (balance < amount) revert CreditInsufficientBalance(from, balance, amount);
        _update(from, to, amount);
    }

    /// @notice Stops every movement of credit. Operator only.
    function pause() external onlyRole(Roles.OPERATOR) {
        _pause();
    }

    /// @notice Resumes movements of credit. Operator only.
    function unpause() external onlyRole(Roles.OPERATOR) {
        _unpause();
    }

    /// @inheritdoc ICreditToken
    function debtOf(address account) external view returns (uint256) {
        return _debts[account];
    }

    /// @inheritdoc ICreditToken
    function treasury() external view returns (address) {
        return _treasury;
    }

    function transfer(address, uint256) public pure override returns (bool) {
        revert CreditNotTransferable();
    }

    function transferFrom(address, address, uint256) public pure override returns (bool) {
        revert CreditNotTransferable();
    }

    function approve(address, uint256) public pure override returns (bool) {
        revert CreditNotTransferable();
    }

    /// @dev Every movement, mint and burn passes here: only the treasury and registered participants
    ///      hold credit.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        if (to != address(0) && to != _treasury && !_registry.isParticipant(to)) {
            revert CreditHolderNotRegistered(to);
        }
        super._update(from, to, value);
    }
}
