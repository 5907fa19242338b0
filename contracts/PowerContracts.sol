// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {MeterId, NeighbourhoodId, intervalAt} from "./Units.sol";

/// @title PowerContracts
/// @notice See {IPowerContracts}. Each meter takes part in at most MAX_PER_METER open contracts per
///         side, which bounds what settlement reads per meter.
contract PowerContracts is IPowerContracts {
    uint256 public constant MAX_PER_METER = 4;

    IMeterRegistry private immutable _registry;
    uint64 private _nextId = 1;
    mapping(uint64 id => PowerContract terms) private _contracts;
    mapping(MeterId meter => uint64[] ids) private _soldBy;
    mapping(MeterId meter => uint64[] ids) private _boughtBy;

    constructor(IMeterRegistry registry) {
        _registry = registry;
    }

    /// @inheritdoc IPowerContracts
    function offer(
        MeterId seller,
        MeterId buyer,
        uint64 pricePerKwh,
        uint64 capWh,
        uint64 validFrom,
        uint64 validUntil
    ) external returns (uint64 id) {
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
        if (capWh == 0 || validFrom >= validUntil || validFrom <= intervalAt(block.timestamp)) {
            revert PowerContractTermsInvalid(capWh, validFrom, validUntil);
        }
        id = _nextId++;
        PowerContract memory terms = PowerContract(
            sellerMeter.neighbourhood,
            seller,
            buyer,
            pricePerKwh,
            capWh,
            validFrom,
            validUntil,
            Status.Offered
        );
        _contracts[id] = terms;
        emit PowerContractOffered(id, seller, buyer, terms);
    }

    /// @inheritdoc IPowerContracts
    function accept(uint64 id) external {
        PowerContract storage terms = _known(id);
        if (terms.status != Status.Offered) revert PowerContractNotOffered(id, terms.status);
        if (_registry.meterOf(terms.buyer).owner != msg.sender) {
            revert PowerContractNotMeterOwner(terms.buyer, msg.sender);
        }
        // It serves from the next interval at the earliest, never one already begun.
        uint64 next = intervalAt(block.timestamp) + 1;
        if (terms.validFrom < next) terms.validFrom = next;
        if (terms.validFrom >= terms.validUntil) {
            revert PowerContractTermsInvalid(terms.capWh, terms.validFrom, terms.validUntil);
        }
        terms.status = Status.Active;
        // Only accepted contracts are listed: an offer takes no one's place.
        _add(_soldBy[terms.seller], terms.seller, id);
        _add(_boughtBy[terms.buyer], terms.buyer, id);
        emit PowerContractAccepted(id);
    }

    /// @inheritdoc IPowerContracts
    function end(uint64 id) external {
        PowerContract storage terms = _known(id);
        if (_registry.meterOf(terms.seller).owner != msg.sender && _registry.meterOf(terms.buyer).owner != msg.sender)
            revert PowerContractNotParty(id, msg.sender);
        if (terms.status == Status.Offered) {
            terms.status = Status.Ended;
            terms.validUntil = terms.validFrom;
        } else if (terms.status == Status.Active) {
            uint64 notice = _registry.neighbourhoodOf(terms.neighbourhood).contractNoticeIntervals;
            uint64 endsAt = intervalAt(block.timestamp) + 1 + notice;
            if (endsAt < terms.validUntil) terms.validUntil = endsAt < terms.validFrom ? terms.validFrom : endsAt;
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
    function contractsSoldBy(MeterId meter) external view returns (uint64[] memory) {
        return _soldBy[meter];
    }

    /// @inheritdoc IPowerContracts
    function contractsBoughtBy(MeterId meter) external view returns (uint64[] memory) {
        return _boughtBy[meter];
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
