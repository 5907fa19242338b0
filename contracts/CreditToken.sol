// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ICreditToken} from "./interfaces/ICreditToken.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {Migratable} from "./Migratable.sol";
import {Roles} from "./Roles.sol";

/// @title CreditToken
/// @notice See {ICreditToken}. ERC-20 only for reading (balanceOf, decimals) by wallets and explorers;
///         every ERC-20 write reverts with {CreditNotTransferable}.
/// @dev A household's position is an int48 in base units (±140 million euros), five accounts per storage
///      slot, so settling neighbouring accounts costs a fifth of a slot write each (ADR 0005). The
///      treasury's position is a full int256 of its own. A successor takes over the treasury's
///      position and `issued` when bound, then each account's position by number; it goes live only
///      when the positions and the treasury's add up to `issued`. Retiring pauses the ledger for good.
contract CreditToken is ICreditToken, IERC20Metadata, AccessControl, Pausable, Migratable {
    /// @dev Accounts per storage slot: five 48-bit positions.
    uint256 private constant LANES = 5;

    IMeterRegistry private immutable _registry;
    address private immutable _treasury;
    mapping(uint256 slot => uint256 lanes) private _positions;
    int256 private _treasuryPosition;
    /// @dev Signed: once producers paid out pay the utility advanced, more was paid out than topped up.
    int256 private _issued;
    /// @dev While importing: accounts copied so far and the sum of their positions.
    uint32 private _copiedAccounts;
    int256 private _copiedSum;

    constructor(address admin, address operator, address treasurer, IMeterRegistry registry, address treasury_) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(Roles.OPERATOR, operator);
        _grantRole(Roles.TREASURER, treasurer);
        _registry = registry;
        _treasury = treasury_;
    }

    /// @inheritdoc ICreditToken
    function topUp(address account, uint256 amount) external onlyRole(Roles.TREASURER) whenNotPaused whenCurrent {
        if (amount > uint256(int256(type(int48).max))) revert CreditAmountTooLarge(amount);
        int256 before = _position(account);
        int256 change = int256(amount);
        _setPosition(account, before + change);
        _issued += int256(amount);
        uint256 repaid = before >= 0 ? 0 : (uint256(-before) < amount ? uint256(-before) : amount);
        emit ToppedUp(account, amount, repaid);
    }

    /// @inheritdoc ICreditToken
    function payOut(address account, uint256 amount) external onlyRole(Roles.TREASURER) whenNotPaused whenCurrent {
        int256 position = _position(account);
        uint256 balance = position > 0 ? uint256(position) : 0;
        if (balance < amount) revert CreditInsufficientBalance(account, balance, amount);
        _setPosition(account, position - int256(amount));
        _issued -= int256(amount);
        emit PaidOut(account, amount);
    }

    /// @inheritdoc ICreditToken
    function applyChanges(uint256[] calldata changes) external onlyRole(Roles.SETTLEMENT) whenNotPaused {
        int256 total;
        uint256 slot = type(uint256).max;
        uint256 lanes;
        // Unchecked: positions are range-checked below; amounts are int64, their sum far from overflow.
        // Accounts are numbered in registration order, so neighbouring accounts share a slot.
        unchecked {
            for (uint256 i; i < changes.length; ++i) {
                uint256 change = changes[i];
                uint256 account = (change >> 64) & 0xffffffff;
                // Neighbouring accounts share a slot: write it once when the next change leaves it.
                if (account / LANES != slot) {
                    if (slot != type(uint256).max) _positions[slot] = lanes;
                    slot = account / LANES;
                    lanes = _positions[slot];
                }
                int256 amount = int64(uint64(change));
                uint256 shift = (account % LANES) * 48;
                int256 position = int48(uint48(lanes >> shift)) + amount;
                if (position > type(int48).max || position < type(int48).min) {
                    revert CreditPositionOverflow(uint32(account));
                }
                lanes = (lanes & ~(uint256(type(uint48).max) << shift)) | (uint256(uint48(int48(position))) << shift);
                total += amount;
            }
        }
        if (slot != type(uint256).max) _positions[slot] = lanes;
        _treasuryPosition -= total;
    }

    /// @notice Stops every movement of credit: top-ups, pay-outs and settlement. Operator only.
    function pause() external onlyRole(Roles.OPERATOR) {
        _pause();
    }

    /// @notice Resumes movements of credit. Operator only; never once retired.
    function unpause() external onlyRole(Roles.OPERATOR) whenCurrent {
        _unpause();
    }

    /// @inheritdoc ICreditToken
    function positionOf(address account) external view returns (int256) {
        return _position(account);
    }

    /// @inheritdoc ICreditToken
    function debtOf(address account) external view returns (uint256) {
        int256 position = _position(account);
        return position < 0 ? uint256(-position) : 0;
    }

    /// @notice The account's credit; 0 while it has a debt (see {debtOf}).
    function balanceOf(address account) external view returns (uint256) {
        int256 position = account == _treasury || _registry.isParticipant(account) ? _position(account) : int256(0);
        return position > 0 ? uint256(position) : 0;
    }

    /// @inheritdoc ICreditToken
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc ICreditToken
    function treasuryPosition() external view returns (int256) {
        return _treasuryPosition;
    }

    /// @inheritdoc ICreditToken
    function issued() external view returns (int256) {
        return _issued;
    }

    /// @notice {issued} for ERC-20 readers, 0 while it is negative.
    function totalSupply() external view returns (uint256) {
        return _issued > 0 ? uint256(_issued) : 0;
    }

    function name() external pure returns (string memory) {
        return "Nachbarstrom Credit";
    }

    function symbol() external pure returns (string memory) {
        return "NSC";
    }

    /// @notice 1.000000 credit = 1 euro.
    function decimals() external pure returns (uint8) {
        return 6;
    }

    function allowance(address, address) external pure returns (uint256) {
        return 0;
    }

    function transfer(address, uint256) external pure returns (bool) {
        revert CreditNotTransferable();
    }

    function transferFrom(address, address, uint256) external pure returns (bool) {
        revert CreditNotTransferable();
    }

    function approve(address, uint256) external pure returns (bool) {
        revert CreditNotTransferable();
    }

    function _authorizeMigration() internal view override {
        _checkRole(DEFAULT_ADMIN_ROLE);
    }

    /// @dev The treasury's position and `issued`, as they stood when the predecessor retired.
    function _startImport(address previous) internal override {
        _predecessorOf(address(_registry));
        ICreditToken prev = ICreditToken(previous);
        if (prev.treasury() != _treasury) revert MigrationMismatch("treasury");
        if (_issued != 0 || _treasuryPosition != 0) revert MigrationTargetNotEmpty();
        _treasuryPosition = prev.treasuryPosition();
        _issued = prev.issued();
    }

    /// @dev Positions by account number, read through the predecessor's registry, which numbered them
    ///      as this version's registry does.
    function _copy(address previous, uint256 max) internal override returns (uint256 copied) {
        IMeterRegistry registry = IMeterRegistry(_predecessorOf(address(_registry)));
        (, , uint32 accounts) = registry.counts();
        for (; copied < max && _copiedAccounts < accounts; ++copied) {
            uint32 number = ++_copiedAccounts;
            int256 position = ICreditToken(previous).positionOf(registry.accountOf(number));
            _positions[number / LANES] = _withLane(_positions[number / LANES], number, position);
            _copiedSum += position;
        }
    }

    /// @dev Complete once every account is copied and the positions and the treasury's add up to
    ///      `issued`, as they did in the predecessor.
    function _progress() internal view override returns (string memory, uint256, uint256) {
        (, , uint32 accounts) = IMeterRegistry(_predecessorOf(address(_registry))).counts();
        if (_copiedAccounts != accounts) return ("accounts", _copiedAccounts, accounts);
        if (_copiedSum + _treasuryPosition != _issued) return ("balance", 0, 1);
        return ("accounts", accounts, accounts);
    }

    /// @notice See {IMigratable-retire}; also pauses the ledger for good, which stops settlement,
    ///         corrections and the cost cap of this version from moving credit.
    function retire() public override {
        super.retire();
        if (!paused()) _pause();
    }

    /// @dev Only the treasury and registered participants have a position.
    function _position(address account) private view returns (int256) {
        if (account == _treasury) return _treasuryPosition;
        uint32 number = _registry.accountNumberOf(account);
        if (number == 0) return 0;
        return _lane(_positions[number / LANES], number);
    }

    function _setPosition(address account, int256 position) private {
        if (account == _treasury) {
            _treasuryPosition = position;
            return;
        }
        uint32 number = _registry.accountNumberOf(account);
        if (number == 0) revert CreditHolderNotRegistered(account);
        _positions[number / LANES] = _withLane(_positions[number / LANES], number, position);
    }

    function _lane(uint256 lanes, uint32 account) private pure returns (int256) {
        unchecked {
            return int48(uint48(lanes >> ((account % LANES) * 48)));
        }
    }

    /// @dev `lanes` with the account's lane set to `position`; reverts beyond int48.
    function _withLane(uint256 lanes, uint32 account, int256 position) private pure returns (uint256) {
        if (position > type(int48).max || position < type(int48).min) revert CreditPositionOverflow(account);
        unchecked {
            uint256 shift = (account % LANES) * 48;
            return (lanes & ~(uint256(type(uint48).max) << shift)) | (uint256(uint48(int48(position))) << shift);
        }
    }
}
