// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {CreditToken} from "../CreditToken.sol";
import {INeighbourhoodSettlement as S} from "../interfaces/INeighbourhoodSettlement.sol";
import {NeighbourhoodSettlement} from "../NeighbourhoodSettlement.sol";
import {MeterId, NeighbourhoodId} from "../Units.sol";
import {TestBase} from "./TestBase.t.sol";

/// @notice Drives the system with random top-ups, pay-outs, settlements and repeated settlements for
///         the invariant tests, keeping ghost totals of what went in and out. It is the operator and
///         the bridge of the system it drives.
contract SettlementHandler is TestBase {
    CreditToken private immutable _credit;
    NeighbourhoodSettlement private immutable _settlement;
    NeighbourhoodId private immutable _hood;
    MeterId[] private _meters;
    address[] private _owners;

    uint256 public toppedUp;
    uint256 public paidOut;
    uint64 public nextInterval = 1;
    bool public settledTwice;
    S.BatchHeader private _lastHeader;

    constructor(
        CreditToken credit,
        NeighbourhoodSettlement settlement,
        NeighbourhoodId hood,
        MeterId[] memory meters,
        address[] memory owners
    ) {
        _credit = credit;
        _settlement = settlement;
        _hood = hood;
        _meters = meters;
        _owners = owners;
    }

    function topUp(uint256 who, uint256 amount) external {
        amount = bound(amount, 0, 100e6);
        _credit.topUp(_owners[who % _owners.length], amount);
        toppedUp += amount;
    }

    function payOut(uint256 who, uint256 amount) external {
        address owner = _owners[who % _owners.length];
        amount = bound(amount, 0, _credit.balanceOf(owner));
        _credit.payOut(owner, amount);
        paidOut += amount;
    }

    function settle(uint256 seed) external {
        S.MeterEnergy[] memory batch = new S.MeterEnergy[](_meters.length);
        S.BatchHeader memory header;
        for (uint256 i; i < batch.length; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            uint64 importWh = r % 3 == 0 ? 0 : uint64(r % 60_000);
            uint64 exportWh = r % 2 == 0 ? 0 : uint64((r >> 64) % 60_000);
            batch[i] = S.MeterEnergy(_meters[i], importWh, exportWh);
            header.poolDemandWh += importWh;
            header.poolSupplyWh += exportWh;
        }
        if (header.poolDemandWh > 0) {
            header.poolBoughtWh = header.poolDemandWh < header.poolSupplyWh ? header.poolDemandWh : header.poolSupplyWh;
        }
        header.batchKey = keccak256(abi.encode(seed));
        header.chunkCount = 1;
        _settlement.settleChunk(_hood, nextInterval++, header, 0, batch);
        _lastHeader = header;
    }

    /// @notice Tries to add a chunk beyond the last to the interval settled last, with its own header.
    function settleBeyondLast(uint256 seed) external {
        if (nextInterval == 1) return;
        S.MeterEnergy[] memory batch = new S.MeterEnergy[](1);
        batch[0] = S.MeterEnergy(MeterId.wrap(bytes32(type(uint256).max)), uint64(seed % 1000), 0);
        try _settlement.settleChunk(_hood, nextInterval - 1, _lastHeader, _lastHeader.chunkCount, batch) {
            settledTwice = true;
        } catch {
            // Refused, as it must be.
            return;
        }
    }

    /// @notice Tries to settle an interval that has settled again, with other figures.
    function settleAgain(uint256 which, uint256 seed) external {
        if (nextInterval == 1) return;
        uint64 interval = uint64(1 + (which % (nextInterval - 1)));
        S.MeterEnergy[] memory batch = new S.MeterEnergy[](1);
        batch[0] = S.MeterEnergy(_meters[0], uint64(seed % 1000), 0);
        S.BatchHeader memory header = S.BatchHeader(
            keccak256(abi.encode("again", seed)),
            0,
            1,
            batch[0].importWh,
            0,
            0,
            1
        );
        try _settlement.settleChunk(_hood, interval, header, 0, batch) {
            settledTwice = true;
        } catch {
            // Refused, as it must be.
            return;
        }
    }
}
