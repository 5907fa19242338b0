// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPowerContracts} from "./interfaces/IPowerContracts.sol";
import {Fixture} from "./test/Fixture.t.sol";

contract PowerContractsTest is Fixture {
    function _offer() private returns (uint64 id) {
        vm.prank(owners[0]);
        id = contracts.offer(meterIds[0], meterIds[1], 220_000, 500, NOW + 1, NOW + 1000);
    }

    function _accept(uint64 id) private {
        vm.prank(owners[1]);
        contracts.accept(id);
    }

    function test_offerAndAccept_makeTheContractActive() public {
        uint64 id = _offer();
        assertTrue(contracts.contractOf(id).status == IPowerContracts.Status.Offered, "offered");
        _accept(id);
        IPowerContracts.PowerContract memory c = contracts.contractOf(id);
        assertTrue(c.status == IPowerContracts.Status.Active, "active");
        assertEq(c.capWh, 500, "cap");
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

    function test_offer_revertsWhen_sellerIsBuyer() public {
        vm.prank(owners[0]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractMetersInvalid.selector, meterIds[0], meterIds[0])
        );
        contracts.offer(meterIds[0], meterIds[0], 220_000, 500, NOW + 1, NOW + 1000);
    }

    function test_offer_revertsWhen_termsInvalid() public {
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractTermsInvalid.selector, 0, NOW, NOW + 1));
        contracts.offer(meterIds[0], meterIds[1], 220_000, 0, NOW, NOW + 1);
    }

    function test_accept_revertsWhen_limitPerMeterReached() public {
        for (uint256 i; i < contracts.MAX_PER_METER(); ++i) _accept(_offer());
        uint64 fifth = _offer();
        vm.prank(owners[1]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractLimitReached.selector, meterIds[0], 4));
        contracts.accept(fifth);
    }

    function test_offer_takesNoPlaceBeforeItIsAccepted() public {
        for (uint256 i; i < 10; ++i) _offer();
        assertEq(contracts.contractsBoughtBy(meterIds[1]).length, 0, "offers are not listed");
    }

    function test_offer_revertsWhen_itWouldReachBack() public {
        vm.prank(owners[0]);
        vm.expectRevert(abi.encodeWithSelector(IPowerContracts.PowerContractTermsInvalid.selector, 500, NOW, NOW + 9));
        contracts.offer(meterIds[0], meterIds[1], 220_000, 500, NOW, NOW + 9);
    }

    function test_accept_movesTheStartToTheNextInterval() public {
        uint64 id = _offer();
        vm.warp(uint256(NOW + 50) * 900);
        _accept(id);
        assertEq(contracts.contractOf(id).validFrom, NOW + 51, "starts after acceptance");
    }

    function test_accept_revertsWhen_callerDoesNotOwnTheBuyer() public {
        uint64 id = _offer();
        vm.prank(owners[2]);
        vm.expectRevert(
            abi.encodeWithSelector(IPowerContracts.PowerContractNotMeterOwner.selector, meterIds[1], owners[2])
        );
        contracts.accept(id);
    }

    function test_end_withdrawsAnOfferAtOnce() public {
        uint64 id = _offer();
        vm.prank(owners[1]);
        contracts.end(id);
        assertTrue(contracts.contractOf(id).status == IPowerContracts.Status.Ended, "ended");
        assertEq(contracts.contractsSoldBy(meterIds[0]).length, 0, "no longer listed");
    }

    function test_end_endsAnActiveContractAfterTheNotice() public {
        uint64 id = _offer();
        vm.prank(owners[1]);
        contracts.accept(id);
        vm.prank(owners[0]);
        contracts.end(id);
        // The fixture's contract notice is 4 intervals, counted from the next one.
        assertEq(contracts.contractOf(id).validUntil, NOW + 5, "ends after the notice");
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

    function test_settle_skipsAnOfferThatWasNotAccepted() public {
        _offer();
        _settle(NOW - 1, _batch([uint64(0), 600, 0, 0], [uint64(1000), 0, 0, 0]));
        // Without the contract all 600 Wh come from the pool at 25 ct.
        assertEq(credit.balanceOf(owners[1]), TOP_UP - 150_000, "pool price, not contract price");
    }
}
