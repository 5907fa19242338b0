// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICreditToken
/// @notice The neighbourhood credit: 6 decimals, 1.000000 credit = 1 euro paid in. Minted only by the
///         utility against euros received, burned when paid out, held only by registered participants,
///         moved only by settlement. No transfers, no allowances, no market.
interface ICreditToken {
    error CreditNotTransferable();
    error CreditHolderNotRegistered(address account);
    error CreditInsufficientBalance(address account, uint256 balance, uint256 needed);

    /// @notice A top-up of `amount`; `repaid` of it settled an open debt, the rest was credited.
    event ToppedUp(address indexed account, uint256 amount, uint256 repaid);
    /// @notice A pay-out of `amount` (burned; the utility transfers the euros).
    event PaidOut(address indexed account, uint256 amount);
    /// @notice A debit that the balance could not cover became debt.
    event DebtIncurred(address indexed account, uint256 amount, uint256 totalDebt);

    /// @notice Mints `amount` against euros paid in; repays the account's debt to `treasury` first. Operator only.
    function topUp(address account, uint256 amount) external;

    /// @notice Burns `amount` that the utility pays out in euros. Operator only.
    function payOut(address account, uint256 amount) external;

    /// @notice Moves `amount` from `from` to `to`; what `from` cannot cover becomes its debt. Settlement only.
    /// @return debt The part of `amount` that became debt.
    function charge(address from, address to, uint256 amount) external returns (uint256 debt);

    /// @notice Moves `amount` from `from` to `to`; reverts when `from` cannot cover it. Settlement only.
    function pay(address from, address to, uint256 amount) external;

    /// @return The open debt of `account` to the utility, in base units.
    function debtOf(address account) external view returns (uint256);

    /// @return The utility's treasury account, which receives debt repayments.
    function treasury() external view returns (address);
}
