// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMeterRegistry} from "./interfaces/IMeterRegistry.sol";
import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {PackedMeters} from "./PackedMeters.sol";
import {AllocationKey, MeterId} from "./Units.sol";
import {Chunks} from "./test/Chunks.t.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract PowerContractsTest is Fixture {
    function _offer() private returns (uint64 id) {
        return _offer(0, 1, NOW + 1, NOW + 1000);
    }

    /// @dev An offer from meter index `seller` to `buyer` at 22 ct, cap 500 Wh.
    function _offer(uint256 seller, uint256 buyer, uint64 validFrom, uint64 validUntil) private returns (uint64 id) {
        vm.prank(owners[seller]);
        id = contracts.offer(meterIds[seller], meterIds[buyer], 220_000, 500, validFrom, validUntil);
    }

    function _accept(uint64 id) private {
        vm.prank(registry.meterOf(contracts.contractOf(id).buyer).owner);
        contracts.accept(id);
    }

    function test_offerAndAccept_makeTheContractActive() public {
        IPowerContracts.PowerContract memory terms = IPowerContracts.PowerContract(
            HOOD,
            meterIds[0],
            meterIds[1],
            1,
            2,
            220_000,
            500,
            uint48(NOW + 1),
            uint48(NOW + 1000),
            IPowerContracts.Status.Offered
        );
        vm.expectEmit(address(contracts));
        emit IPowerContracts.PowerContractOffered(1, meterIds[0], meterIds[1], terms);
        uint64 id = _offer();
        assertEq(id, 1, "first id");
        vm.expectEmit(address(contracts));
        emit IPowerContracts.PowerContractAccepted(id);
        _accept(id);
        IPowerContracts.PowerContract memory c = contracts.contractOf(id);
        assertTrue(c.status == IPowerContracts.Status.Active, "active");
        assertEq(c.capWh, 500, "cap");
        assertEq(c.sellerNumber, 1, "seller number");
        assertEq(c.buyerNumber, 2, "buyer number");
        assertEq(contracts.contractsSoldBy(meterIds[0]).length, 1, "listed for the seller");
        assertEq(contracts.contractsBoughtBy(meterIds[1]).length, 1, "listed for the buyer");
    }

    function test_offer_revertsWhen_callerDoesNotOwnTheSeller() public {
        vm.prank(owners[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractNotMeterOwner.selector, meterIds[0], owners[1])
        );
        contracts.offer(meterIds[0], meterIds[1], 220_000, 500, NOW + 1, NOW + 1000);
    }

    function test_offer_revertsWhen_aMeterIsUnknown() public {
        MeterId unknown = MeterId.wrap(bytes32(uint256(99)));
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(IMeterRegistry.RegistryMeterUnknown.selector, unknown));
        contracts.offer(meterIds[0], unknown, 220_000, 500, NOW + 1, NOW + 1000);
    }

    function test_offer_revertsWhen_sellerIsBuyer() public {
        _expectMetersInvalid(meterIds[0], meterIds[0]);
    }

    function test_offer_revertsWhen_aMeterIsRetired() public {
        registry.retireMeter(meterIds[1]);
        _expectMetersInvalid(meterIds[0], meterIds[1]);
    }

    function test_offer_revertsWhen_theMetersAreInDifferentNeighbourhoods() public {
        registry.registerNeighbourhood(OTHER, _config(AllocationKey.ProRata, 0, 0));
        MeterId elsewhere = MeterId.wrap(bytes32(uint256(77)));
        registry.registerMeter(elsewhere, OTHER, owners[1]);
        _expectMetersInvalid(meterIds[0], elsewhere);
    }

    function test_offer_revertsWhen_termsInvalid() public {
        _expectTermsInvalid(0, NOW + 1, NOW + 2);
        _expectTermsInvalid(500, NOW + 2, NOW + 2);
        _expectTermsInvalid(500, NOW + 1, uint64(type(uint48).max) + 1);
    }

    function test_offer_revertsWhen_itWouldReachBack() public {
        _expectTermsInvalid(500, NOW, NOW + 9);
    }

    function test_offer_takesNoPlaceBeforeItIsAccepted() public {
        for (uint256 i; i < 10; ++i) _offer();
        assertEq(contracts.contractsBoughtBy(meterIds[1]).length, 0, "offers are not listed");
    }

    function test_accept_movesTheStartToTheNextInterval() public {
        uint64 id = _offer();
        vm.warp(uint256(NOW + 50) * 900);
        _accept(id);
        assertEq(contracts.contractOf(id).validFrom, NOW + 51, "starts after acceptance");
    }

    function test_accept_revertsWhen_theWindowHasPassed() public {
        uint64 id = _offer(0, 1, NOW + 1, NOW + 3);
        vm.warp(uint256(NOW + 5) * 900);
        vm.prank(owners[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractTermsInvalid.selector, 500, NOW + 6, NOW + 3)
        );
        contracts.accept(id);
    }

    function test_accept_revertsWhen_callerDoesNotOwnTheBuyer() public {
        uint64 id = _offer();
        vm.prank(owners[2]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractNotMeterOwner.selector, meterIds[1], owners[2])
        );
        contracts.accept(id);
    }

    function test_accept_revertsWhen_notOffered() public {
        uint64 id = _offer();
        _accept(id);
        vm.prank(owners[1]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractNotOffered.selector, id, IPowerContracts.Status.Active)
        );
        contracts.accept(id);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractUnknown.selector, 9));
        contracts.accept(9);
    }

    function test_accept_revertsWhen_limitPerSellerReached() public {
        for (uint256 i; i < contracts.MAX_PER_METER(); ++i) _accept(_offer());
        uint64 fifth = _offer();
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractLimitReached.selector, meterIds[0], 4));
        contracts.accept(fifth);
    }

    function test_accept_revertsWhen_limitPerBuyerReached() public {
        _accept(_offer(0, 1, NOW + 1, NOW + 9));
        _accept(_offer(0, 1, NOW + 1, NOW + 9));
        _accept(_offer(2, 1, NOW + 1, NOW + 9));
        _accept(_offer(3, 1, NOW + 1, NOW + 9));
        uint64 fifth = _offer(2, 1, NOW + 1, NOW + 9);
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractLimitReached.selector, meterIds[1], 4));
        contracts.accept(fifth);
    }

    function test_accept_dropsExpiredContracts_andKeepsIdsAscending() public {
        for (uint256 i; i < 4; ++i) _accept(_offer(0, 1, NOW + 1, NOW + 3));
        uint64 low = _offer(0, 1, NOW + 10, NOW + 20);
        uint64 high = _offer(0, 1, NOW + 10, NOW + 20);
        vm.warp(uint256(NOW + 3) * 900);
        // Accepted in the other order: the lists stay sorted by id.
        _accept(high);
        _accept(low);
        uint64[] memory sold = contracts.contractsSoldBy(meterIds[0]);
        assertEq(sold.length, 2, "expired ones dropped");
        assertTrue(sold[0] == low && sold[1] == high, "ascending ids");
        assertEq(contracts.contractsBoughtBy(meterIds[1]).length, 2, "dropped for the buyer too");
    }

    function test_accept_dropsAnExpiredContractBeforeALiveOne() public {
        uint64 expired = _offer(0, 1, NOW + 1, NOW + 3);
        uint64 live = _offer(0, 1, NOW + 1, NOW + 9);
        _accept(expired);
        _accept(live);
        uint64 next = _offer(0, 1, NOW + 10, NOW + 20);
        vm.warp(uint256(NOW + 3) * 900);
        _accept(next);
        uint64[] memory sold = contracts.contractsSoldBy(meterIds[0]);
        assertEq(sold.length, 2, "the expired one dropped");
        assertTrue(sold[0] == live && sold[1] == next, "the others in order");
    }

    function test_end_withdrawsAnOfferAtOnce() public {
        uint64 id = _offer();
        vm.expectEmit(address(contracts));
        emit IPowerContracts.PowerContractEnded(id, NOW + 1);
        vm.prank(owners[1]);
        contracts.end(id);
        assertTrue(contracts.contractOf(id).status == IPowerContracts.Status.Ended, "ended");
        assertEq(contracts.contractsSoldBy(meterIds[0]).length, 0, "no longer listed");
    }

    function test_end_endsAnActiveContractAfterTheNotice() public {
        uint64 id = _offer();
        _accept(id);
        vm.prank(owners[0]);
        contracts.end(id);
        // The fixture's contract notice is 4 intervals, counted from the next one.
        assertEq(contracts.contractOf(id).validUntil, NOW + 5, "ends after the notice");
        assertTrue(contracts.contractOf(id).status == IPowerContracts.Status.Active, "active until then");
    }

    function test_end_endsAContractThatHasNotBegunAtItsStart() public {
        uint64 id = _offer(0, 1, NOW + 100, NOW + 200);
        _accept(id);
        vm.prank(owners[0]);
        contracts.end(id);
        assertEq(contracts.contractOf(id).validUntil, NOW + 100, "never serves");
    }

    function test_end_revertsWhen_alreadyEnded() public {
        uint64 id = _offer();
        vm.prank(owners[0]);
        contracts.end(id);
        vm.prank(owners[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractNotActive.selector, id, IPowerContracts.Status.Ended)
        );
        contracts.end(id);
    }

    function test_end_revertsWhen_callerIsNoParty() public {
        uint64 id = _offer();
        vm.prank(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractNotParty.selector, id, STRANGER));
        contracts.end(id);
    }

    function test_contractOf_revertsWhen_unknown() public {
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractUnknown.selector, 9));
        contracts.contractOf(9);
    }

    function test_contractsFor_listsTheContractsWithBothMetersInTheChunk() public {
        uint64 first = _offer(0, 1, NOW + 1, NOW + 9);
        uint64 toFour = _offer(0, 3, NOW + 1, NOW + 9);
        uint64 fromThree = _offer(2, 1, NOW + 1, NOW + 9);
        _accept(first);
        _accept(toFour);
        _accept(fromThree);
        bytes memory chunk = bytes.concat(Chunks.meter(1, 0, 0), Chunks.meter(2, 0, 0), Chunks.meter(3, 0, 0));
        uint256[] memory words = contracts.contractsFor(chunk, NOW + 1);
        // Meter 4 is not in the chunk: only 1 → 2 (positions 0, 1) and 3 → 2 (positions 2, 1), by seller.
        assertEq(words.length, 2, "two contracts");
        assertEq(words[0], 0 | (1 << 32) | (220_000 << 64) | (500 << 96) | (uint256(first) << 128), "1 to 2");
        assertEq(words[1], 2 | (1 << 32) | (220_000 << 64) | (500 << 96) | (uint256(fromThree) << 128), "3 to 2");
        assertEq(contracts.contractsFor(chunk, NOW).length, 0, "none before the start");
        assertEq(contracts.contractsFor(chunk, NOW + 9).length, 0, "none from the end");
        assertEq(contracts.contractsFor(Chunks.meter(1, 0, 0), NOW + 1).length, 0, "none without the buyer");
    }

    function test_contractsFor_revertsWhen_chunkMalformed() public {
        vm.expectRevert(abi.encodeWithSelector(PackedMeters.PackedMetersMalformed.selector, 13));
        contracts.contractsFor(new bytes(13), NOW + 1);
    }

    function test_settle_skipsAnOfferThatWasNotAccepted() public {
        _offer();
        vm.warp(uint256(NOW + 3) * 900);
        _settle(NOW + 1, _batch([uint32(0), 600, 0, 0], [uint32(1000), 0, 0, 0]));
        // Without the contract all 600 Wh come from the pool at 25 ct.
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 150_000, "pool price, not contract price");
    }

    function _expectMetersInvalid(MeterId seller, MeterId buyer) private {
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractMetersInvalid.selector, seller, buyer));
        contracts.offer(seller, buyer, 220_000, 500, NOW + 1, NOW + 1000);
    }

    function _expectTermsInvalid(uint32 capWh, uint64 validFrom, uint64 validUntil) private {
        vm.prank(owners[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractTermsInvalid.selector, capWh, validFrom, validUntil)
        );
        contracts.offer(meterIds[0], meterIds[1], 220_000, capWh, validFrom, validUntil);
    }
}
