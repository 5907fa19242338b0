// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {Migratable} from "./Migratable.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {MeterId, NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title PowerContracts
/// @notice See {IPowerContracts}. Each meter takes part in at most MAX_PER_METER open contracts per
///         side, which bounds what settlement reads per meter. Its admin for a migration is the
///         registry's. A successor copies every contract by id, and the meters' lists exactly as they
///         stand (expired ids included until the meter's next acceptance drops them).
contract PowerContracts is IPowerContracts, Migratable {
    uint256 public constant MAX_PER_METER = 4;

    IMeterRegistry private immutable _registry;
    uint64 private _nextId = 1;
    mapping(uint64 id => PowerContract terms) private _contracts;
    mapping(uint32 sellerNumber => uint64[] ids) private _soldBy;
    mapping(uint32 buyerNumber => uint64[] ids) private _boughtBy;
    /// @dev One bit per meter number that has ever sold by contract, so settlement reads the contract
    ///      lists only of those meters (256 meters per slot).
    mapping(uint256 word => uint256 bits) private _sellers;

    constructor(IMeterRegistry registry) {
        _registry = registry;
    }

    /// @inheritdoc IPowerContracts
    function offer(
        MeterId seller,
        MeterId buyer,
        uint32 pricePerKwh,
        uint32 capWh,
        uint64 validFrom,
        uint64 validUntil
    ) external whenCurrent returns (uint64 id) {
        IMeterRegistry.Meter memory sellerMeter = _registry.meterOf(seller);
        IMeterRegistry.Meter memory buyerMeter = _registry.meterOf(buyer);
        if (sellerMeter.owner != msg.sender) revert PowerContractNotMeterOwner(seller, msg.sender);
        if (
            MeterId.unwrap(seller) == MeterId.unwrap(buyer) ||
            !sellerMeter.active ||
            !buyerMeter.active ||
            NeighbourhoodId.unwrap(sellerMeter.neighbourhood) != NeighbourhoodId.unwrap(buyerMeter.neighbourhood)
        ) revert PowerContractMetersInvalid(seller, buyer);
        // No contract reaches back: an interval's inputs are fixed once it has begun.
        if (
            capWh == 0 ||
            validFrom >= validUntil ||
            validFrom <= intervalAt(block.timestamp) ||
            validUntil > type(uint48).max
        ) revert PowerContractTermsInvalid(capWh, validFrom, validUntil);
        id = _nextId++;
        PowerContract memory terms = PowerContract(
            sellerMeter.neighbourhood,
            seller,
            buyer,
            sellerMeter.number,
            buyerMeter.number,
            pricePerKwh,
            capWh,
            uint48(validFrom),
            uint48(validUntil),
            Status.Offered
        );
        _contracts[id] = terms;
        emit PowerContractOffered(id, seller, buyer, terms);
    }

    /// @inheritdoc IPowerContracts
    function accept(uint64 id) external whenCurrent {
        PowerContract storage terms = _known(id);
        if (terms.status != Status.Offered) revert PowerContractNotOffered(id, terms.status);
        if (_registry.meterOf(terms.buyer).owner != msg.sender) {
            revert PowerContractNotMeterOwner(terms.buyer, msg.sender);
        }
        // It serves from the next interval at the earliest, never one already begun.
        uint48 next = uint48(intervalAt(block.timestamp) + 1);
        if (terms.validFrom < next) terms.validFrom = next;
        if (terms.validFrom >= terms.validUntil) {
            revert PowerContractTermsInvalid(terms.capWh, terms.validFrom, terms.validUntil);
        }
        terms.status = Status.Active;
        // Only accepted contracts are listed: an offer takes no one's place.
        _add(_soldBy[terms.sellerNumber], terms.seller, id);
        _add(_boughtBy[terms.buyerNumber], terms.buyer, id);
        _sellers[terms.sellerNumber >> 8] |= uint256(1) << (terms.sellerNumber & 255);
        emit PowerContractAccepted(id);
    }

    /// @inheritdoc IPowerContracts
    function end(uint64 id) external whenCurrent {
        PowerContract storage terms = _known(id);
        if (_registry.meterOf(terms.seller).owner != msg.sender && _registry.meterOf(terms.buyer).owner != msg.sender)
            revert PowerContractNotParty(id, msg.sender);
        if (terms.status == Status.Offered) {
            terms.status = Status.Ended;
            terms.validUntil = terms.validFrom;
        } else if (terms.status == Status.Active) {
            uint64 notice = _registry.neighbourhoodOf(terms.neighbourhood).contractNoticeIntervals;
            uint64 endsAt = intervalAt(block.timestamp) + 1 + notice;
            if (endsAt < terms.validUntil)
                terms.validUntil = uint48(endsAt < terms.validFrom ? terms.validFrom : endsAt);
        } else {
            revert PowerContractNotActive(id, terms.status);
        }
        emit PowerContractEnded(id, terms.validUntil);
    }

    /// @inheritdoc IPowerContracts
    function contractOf(uint64 id) external view returns (PowerContract memory) {
        return _known(id);
    }

    /// @inheritdoc IPowerContracts
    function nextId() external view returns (uint64) {
        return _nextId;
    }

    /// @inheritdoc IPowerContracts
    function contractsSoldBy(MeterId meter) external view returns (uint64[] memory) {
        return _soldBy[_registry.meterOf(meter).number];
    }

    /// @inheritdoc IPowerContracts
    function contractsBoughtBy(MeterId meter) external view returns (uint64[] memory) {
        return _boughtBy[_registry.meterOf(meter).number];
    }

    /// @inheritdoc IPowerContracts
    function contractsFor(bytes calldata meters, uint64 interval) external view returns (uint256[] memory words) {
        uint256 n = PackedMeters.count(meters);
        (uint256[] memory sellers, uint256 count, uint256 candidates) = _sellersIn(meters, n);
        words = new uint256[](candidates);
        uint256 found;
        for (uint256 s; s < count; ++s) found = _collect(words, found, meters, n, sellers[s], interval);
        // Shrinks the array to the contracts found; memory beyond it is simply left unused.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(words, found)
        }
    }

    /// @dev Adds to `words` the contracts of the seller at chunk position `i` that serve `interval`
    ///      and whose buyer is in the chunk; returns the new count.
    function _collect(
        uint256[] memory words,
        uint256 found,
        bytes calldata meters,
        uint256 n,
        uint256 i,
        uint64 interval
    ) private view returns (uint256) {
        uint64[] storage ids = _soldBy[PackedMeters.numberAt(meters, i)];
        for (uint256 k; k < ids.length; ++k) {
            PowerContract storage terms = _contracts[ids[k]];
            if (terms.status != Status.Active || interval < terms.validFrom || interval >= terms.validUntil) continue;
            (bool hasBuyer, uint256 buyer) = _positionOf(meters, n, terms.buyerNumber);
            if (!hasBuyer) continue;
            words[found++] =
                i |
                (buyer << 32) |
                (uint256(terms.pricePerKwh) << 64) |
                (uint256(terms.capWh) << 96) |
                (uint256(ids[k]) << 128);
        }
        return found;
    }

    /// @dev The chunk positions of meters that have sold by contract, and how many contracts they list.
    function _sellersIn(
        bytes calldata meters,
        uint256 n
    ) private view returns (uint256[] memory positions, uint256 count, uint256 candidates) {
        positions = new uint256[](n);
        uint256 word = type(uint256).max;
        uint256 bits;
        for (uint256 i; i < n; ++i) {
            uint32 number = PackedMeters.numberAt(meters, i);
            // Ascending numbers: one bitmap word serves 256 meters.
            if (number >> 8 != word) {
                word = number >> 8;
                bits = _sellers[word];
            }
            if ((bits >> (number & 255)) & 1 == 0) continue;
            positions[count++] = i;
            candidates += _soldBy[number].length;
        }
    }

    /// @dev Binary search for meter number `number` in the chunk's ascending numbers.
    function _positionOf(
        bytes calldata meters,
        uint256 n,
        uint32 number
    ) private pure returns (bool found, uint256 position) {
        uint256 low;
        uint256 high = n;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            uint32 value = PackedMeters.numberAt(meters, mid);
            if (value == number) return (true, mid);
            if (value < number) low = mid + 1;
            else high = mid;
        }
        return (false, 0);
    }

    /// @dev The registry's admin (the timelock) migrates the contracts too.
    function _authorizeMigration() internal view override {
        if (!IAccessControl(address(_registry)).hasRole(bytes32(0), msg.sender)) {
            revert MigrationUnauthorized(msg.sender);
        }
    }

    function _startImport(address) internal view override {
        if (_nextId != 1) revert MigrationTargetNotEmpty();
    }

    function _copy(address previous, uint256 max) internal override returns (uint256 copied) {
        IPowerContracts prev = IPowerContracts(previous);
        uint64 next = prev.nextId();
        for (; copied < max && _nextId < next; ++copied) {
            uint64 id = _nextId++;
            PowerContract memory terms = prev.contractOf(id);
            _contracts[id] = terms;
            if (terms.status != Status.Active) continue;
            _sellers[terms.sellerNumber >> 8] |= uint256(1) << (terms.sellerNumber & 255);
            if (_listed(prev.contractsSoldBy(terms.seller), id)) _soldBy[terms.sellerNumber].push(id);
            if (_listed(prev.contractsBoughtBy(terms.buyer), id)) _boughtBy[terms.buyerNumber].push(id);
        }
    }

    function _progress() internal view override returns (string memory, uint256, uint256) {
        return ("contracts", _nextId - 1, IPowerContracts(previousVersion()).nextId() - 1);
    }

    function _listed(uint64[] memory ids, uint64 id) private pure returns (bool) {
        for (uint256 i; i < ids.length; ++i) if (ids[i] == id) return true;
        return false;
    }

    function _known(uint64 id) private view returns (PowerContract storage terms) {
        terms = _contracts[id];
        if (terms.status == Status.None) revert PowerContractUnknown(id);
    }

    /// @dev Inserts `id` in ascending order after dropping the meter's contracts that have run out,
    ///      so the list stays bounded and settlement serves it in id order without sorting.
    function _add(uint64[] storage ids, MeterId meter, uint64 id) private {
        uint64 now_ = intervalAt(block.timestamp);
        for (uint256 i = ids.length; i > 0; --i) {
            if (_contracts[ids[i - 1]].validUntil <= now_) _removeAt(ids, i - 1);
        }
        if (ids.length >= MAX_PER_METER) revert PowerContractLimitReached(meter, MAX_PER_METER);
        ids.push(id);
        for (uint256 i = ids.length - 1; i > 0 && ids[i - 1] > id; --i) (ids[i - 1], ids[i]) = (id, ids[i - 1]);
    }

    /// @dev Removes keeping the order, so the list stays ascending.
    function _removeAt(uint64[] storage ids, uint256 index) private {
        for (uint256 i = index; i + 1 < ids.length; ++i) ids[i] = ids[i + 1];
        ids.pop();
    }
}
