// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {INeighbourhoodSettlement} from "./interfaces/INeighbourhoodSettlement.sol";
import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {AllocationKey} from "./Units.sol";

/// @title SettlementMath
/// @notice The arithmetic of one chunk, on memory only: contracts, pool, prices. Mirrored to the unit
///         by packages/core/src/settlement.ts; the rules and rounding are in doc/settlement.md.
library SettlementMath {
    /// @notice Prices of one interval, net, in micro-euro per kWh; VAT as a factor over 10,000.
    struct Prices {
        uint256 localSurcharge;
        uint256 gridNet;
        uint256 community;
        uint256 feedIn;
        uint256 vatFactor;
        uint256 poolBuyGross;
    }

    /// @notice One chunk's meters as settlement works on them; every array has one entry per meter.
    struct Chunk {
        uint64[] remainingImport;
        uint64[] remainingExport;
        bool[] buysFromPool;
        bool[] sellsToPool;
        uint32[] shareWeights;
        /// Σ Wh × net price (micro-euro per kWh) of what the meter buys, before VAT.
        uint256[] boughtValue;
        /// Σ Wh × price (micro-euro per kWh) of what the meter sells.
        uint256[] soldValue;
        INeighbourhoodSettlement.MeterResult[] results;
    }

    function prices(ITariffSchedule.Tariff memory tariff) internal pure returns (Prices memory p) {
        p.localSurcharge = uint256(tariff.localGridFee) + tariff.electricityTax + tariff.concessionFee + tariff.levies;
        p.gridNet =
            uint256(tariff.gridEnergy) +
            tariff.gridFee +
            tariff.electricityTax +
            tariff.concessionFee +
            tariff.levies;
        p.community = tariff.communityPrice;
        p.feedIn = tariff.feedInPrice;
        p.vatFactor = 10_000 + uint256(tariff.vatBasisPoints);
        p.poolBuyGross = ((p.community + p.localSurcharge) * p.vatFactor) / 10_000;
    }

    function newChunk(uint256 n) internal pure returns (Chunk memory c) {
        c.remainingImport = new uint64[](n);
        c.remainingExport = new uint64[](n);
        c.buysFromPool = new bool[](n);
        c.sellsToPool = new bool[](n);
        c.shareWeights = new uint32[](n);
        c.boughtValue = new uint256[](n);
        c.soldValue = new uint256[](n);
        c.results = new INeighbourhoodSettlement.MeterResult[](n);
    }

    /// @notice Serves one power contract: min(cap, seller's remaining export, buyer's remaining import).
    function serveContract(
        Chunk memory c,
        Prices memory p,
        uint256 seller,
        uint256 buyer,
        uint64 capWh,
        uint64 pricePerKwh
    ) internal pure {
        uint64 wh = capWh;
        if (c.remainingExport[seller] < wh) wh = c.remainingExport[seller];
        if (c.remainingImport[buyer] < wh) wh = c.remainingImport[buyer];
        if (wh == 0) return;
        c.remainingExport[seller] -= wh;
        c.remainingImport[buyer] -= wh;
        c.results[seller].contractSoldWh += wh;
        c.results[buyer].contractBoughtWh += wh;
        c.soldValue[seller] += uint256(wh) * pricePerKwh;
        c.boughtValue[buyer] += uint256(wh) * (pricePerKwh + p.localSurcharge);
    }

    /// @notice Shares the pool by the allocation key with the totals the header declares.
    /// @dev Cumulative rounding: a meter gets floor(cum × total / base) − floor(cumBefore × total / base),
    ///      where cum runs over the interval's pool meters in order, across chunks (`demandBefore`,
    ///      `supplyBefore` are the earlier chunks' sums). The shares add up exactly to the total.
    function sharePool(
        Chunk memory c,
        INeighbourhoodSettlement.BatchHeader calldata header,
        AllocationKey key,
        uint256 demandBefore,
        uint256 supplyBefore
    ) internal pure {
        uint256 demand = header.poolDemandWh;
        uint256 supply = header.poolSupplyWh;
        uint256 local = demand < supply ? demand : supply;
        for (uint256 i; i < c.results.length; ++i) {
            if (c.buysFromPool[i]) {
                uint256 bought;
                if (key == AllocationKey.ProRata) {
                    bought = _share(demandBefore, c.remainingImport[i], local, demand);
                    demandBefore += c.remainingImport[i];
                } else if (header.shareWeightTotal > 0) {
                    bought = (supply * c.shareWeights[i]) / header.shareWeightTotal;
                    if (bought > c.remainingImport[i]) bought = c.remainingImport[i];
                }
                c.results[i].poolBoughtWh = uint64(bought);
                c.remainingImport[i] -= uint64(bought);
            }
            if (c.sellsToPool[i]) {
                uint64 sold = uint64(_share(supplyBefore, c.remainingExport[i], header.poolBoughtWh, supply));
                supplyBefore += c.remainingExport[i];
                c.results[i].poolSoldWh = sold;
                c.remainingExport[i] -= sold;
            }
        }
    }

    /// @dev floor((before + amount) × total / base) − floor(before × total / base); 0 when base is 0.
    function _share(uint256 before, uint256 amount, uint256 total, uint256 base) private pure returns (uint256) {
        if (base == 0) return 0;
        return ((before + amount) * total) / base - (before * total) / base;
    }

    /// @notice Prices pool and grid energy and turns values into debit and credit, rounded down once
    ///         per meter to the micro-euro.
    function bill(Chunk memory c, Prices memory p) internal pure {
        for (uint256 i; i < c.results.length; ++i) {
            INeighbourhoodSettlement.MeterResult memory r = c.results[i];
            uint256 bought =
                c.boughtValue[i] +
                    uint256(r.poolBoughtWh) * (p.community + p.localSurcharge) +
                    uint256(c.remainingImport[i]) * p.gridNet;
            uint256 sold =
                c.soldValue[i] + uint256(r.poolSoldWh) * p.community + uint256(c.remainingExport[i]) * p.feedIn;
            r.debit = (bought * p.vatFactor) / 10_000_000;
            r.credit = sold / 1000;
        }
    }
}
