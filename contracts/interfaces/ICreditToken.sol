// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICreditToken
/// @notice The neighbourhood credit: 6 decimals, 1.000000 credit = 1 euro paid in. Minted only by the
///         utility against euros received, burned when paid out, held only by registered participants,
///         moved only by settlement. No transfers, no allowances, no market.
/// @dev The ledger keeps one signed position per account (ADR 0005): a positive position is a balance,
///      a negative one a debt to the utility, so any top-up or credit repays debt first. The treasury's
///      position may go negative: the utility advancing producers' pay before consumers have paid.
interface ICreditToken {
    error CreditNotTransferable();
    error CreditHolderNotRegistered(address account);
    error CreditInsufficientBalance(address account, uint256 balance, uint256 needed);
    error CreditAmountTooLarge(uint256 amount);
    error CreditPositionOverflow(uint32 account);

    /// @notice A top-up of `amount`; `repaid` of it settled an open debt, the rest was credited.
    event ToppedUp(address indexed account, uint256 amount, uint256 repaid);
    /// @notice A pay-out of `amount` (burned; the utility transfers the euros).
    event PaidOut(address indexed account, uint256 amount);

    /// @notice Mints `amount` against euros paid in; an open debt is repaid first. Treasurer only.
    function topUp(address account, uint256 amount) external;

    /// @notice Burns `amount` that the utility pays out in euros; reverts beyond the balance. Treasurer only.
    function payOut(address account, uint256 amount) external;

    /// @notice Applies settlement's net changes against the treasury. Settlement only.
    /// @param changes Per change: account number (bits 64–95) and the signed change in base units as
    ///        int64 (bits 0–63). The treasury takes the opposite of their sum, so money is conserved.
    function applyChanges(uint256[] calldata changes) external;

    /// @return The signed position of `account`: balance when positive, debt when negative.
    function positionOf(address account) external view returns (int256);

    /// @return The open debt of `account` to the utility, in base units.
    function debtOf(address account) external view returns (uint256);

    /// @return The utility's treasury account, the other side of every settlement movement.
    function treasury() external view returns (address);

    /// @return The treasury's signed position; negative while the utility advances producers' pay.
    function treasuryPosition() external view returns (int256);

    /// @return Euros topped up minus euros paid out: the sum of every position, the treasury's included.
    ///         Negative when producers have paid out pay that the utility advanced.
    function issued() external view returns (int256);
}
