// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ITariffSchedule} from "./interfaces/ITariffSchedule.sol";
import {AllocationKey} from "./Units.sol";

/// @title SettlementMath
/// @notice The arithmetic of one chunk, on memory only: contracts, pool, prices. Mirrored to the unit
///         by packages/core/src/settlement.ts; the rules and rounding are in doc/settlement.md.
/// @dev Arithmetic is unchecked where it cannot overflow: energies are 32-bit, prices 64-bit, their
///      products and sums far below 2^256; every subtraction takes at most what a share or a contract
///      granted from the same remainder (see the functions).
/// @dev Built for one pass over thousands of meters (ADR 0005): the header declares the pool's
///      totals, so each meter's share follows from the running sums of the meters before it, and a
///      meter is settled completely before the next is read. A meter's energy flows travel as one word,
///      big-endian in the order ChunkSettled writes them: contractBought (bits 96–127), contractSold
///      (64–95), poolBought (32–63), poolSold (0–31).
library SettlementMath {
    uint256 private constant MASK32 = 0xffffffff;
    uint256 private constant MASK128 = type(uint128).max;

    /// @notice Prices of one interval, net, in micro-euro per kWh; VAT as a factor over 10,000.
    struct Prices {
        uint256 localSurcharge;
        uint256 gridNet;
        uint256 community;
        uint256 feedIn;
        uint256 vatFactor;
        uint256 poolBuyGross;
    }

    /// @notice The pool as a chunk walks through it: the header's totals and the running sums.
    struct Pool {
        AllocationKey key;
        /// Σ pool demand, Σ pool supply, what the buyers take, Σ weights: over the whole interval.
        uint256 demand;
        uint256 supply;
        uint256 bought;
        uint256 weightTotal;
        /// min(demand, supply): what pro rata hands out.
        uint256 local;
        /// Pool demand and supply of the meters before the current one, earlier chunks included.
        uint256 demandBefore;
        uint256 supplyBefore;
        /// This chunk's own pool demand, supply, energy bought and buyers' weights, for the record.
        uint256 chunkBought;
        uint256 chunkDemand;
        uint256 chunkSupply;
        uint256 chunkWeights;
    }

    /// @notice What the chunk's power contracts delivered, per meter; empty when it has none.
    struct Deliveries {
        /// contractBought (bits 96–127) and contractSold (64–95), as in a flows word.
        uint256[] flows;
        /// Σ Wh × price (micro-euro per kWh) bought, net, with local fees (bits 0–127); sold (128–255).
        uint256[] value;
        /// Σ Wh delivered by all the chunk's contracts.
        uint256 totalWh;
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

    /// @notice What `wh` of grid energy costs gross, rounded down to the micro-euro: the grid-only price
    ///         the cost cap compares with, and what a correction's difference in import is priced at.
    function gridCost(uint256 wh, Prices memory p) internal pure returns (uint256) {
        return (wh * p.gridNet * p.vatFactor) / 10_000_000;
    }

    /// @notice Serves one power contract: min(cap, seller's remaining export, buyer's remaining import).
    /// @param exportWh The seller's metered export; `importWh` the buyer's metered import.
    function deliver(
        Deliveries memory d,
        Prices memory p,
        uint256 seller,
        uint256 buyer,
        uint256 exportWh,
        uint256 importWh,
        uint256 capWh,
        uint256 pricePerKwh
    ) internal pure {
        uint256 wh = capWh;
        uint256 remainingExport = exportWh - ((d.flows[seller] >> 64) & MASK32);
        uint256 remainingImport = importWh - ((d.flows[buyer] >> 96) & MASK32);
        if (remainingExport < wh) wh = remainingExport;
        if (remainingImport < wh) wh = remainingImport;
        if (wh == 0) return;
        d.totalWh += wh;
        d.flows[seller] += wh << 64;
        d.flows[buyer] += wh << 96;
        d.value[seller] += (wh * pricePerKwh) << 128;
        d.value[buyer] += wh * (pricePerKwh + p.localSurcharge);
    }

    /// @notice Settles one meter after the contracts: its pool share by the allocation key and the
    ///         owner's price limits, the grid for the rest, and the money, rounded down once to the
    ///         micro-euro.
    /// @param meter The meter's calldata word (PackedMeters.word): import and export.
    /// @param word The registry's word: maxBuyPrice (bits 32–63), minSellPrice (64–95), weight (96–127).
    /// @param d The chunk's contract deliveries; `i` the meter's position in the chunk.
    /// @return flows The meter's flows word.
    /// @return debit What the owner pays, gross.
    /// @return credit What the owner receives.
    function settleMeter(
        Pool memory pool,
        Prices memory p,
        uint256 meter,
        uint256 word,
        Deliveries memory d,
        uint256 i
    ) internal pure returns (uint256 flows, uint256 debit, uint256 credit) {
        unchecked {
            uint256 value;
            if (d.flows.length > 0) (flows, value) = (d.flows[i], d.value[i]);
            uint256 remainingImport = ((meter >> 192) & MASK32) - (flows >> 96);
            uint256 remainingExport = ((meter >> 160) & MASK32) - ((flows >> 64) & MASK32);
            // Price limits keep a household out of the pool: the most it pays (gross), the least it
            // accepts; 0 means no limit.
            uint256 limit = (word >> 32) & MASK32;
            if (limit == 0 || limit >= p.poolBuyGross) {
                uint256 bought = _buy(pool, remainingImport, (word >> 96) & MASK32);
                remainingImport -= bought;
                flows |= bought << 32;
                value += bought * (p.community + p.localSurcharge);
            }
            if (((word >> 64) & MASK32) <= p.community) {
                uint256 sold = _sell(pool, remainingExport);
                remainingExport -= sold;
                flows |= sold;
                value += (sold * p.community) << 128;
            }
            debit = (((value & MASK128) + remainingImport * p.gridNet) * p.vatFactor) / 10_000_000;
            credit = ((value >> 128) + remainingExport * p.feedIn) / 1000;
        }
    }

    /// @dev A buyer's pool share. Pro rata by cumulative rounding: floor(cum × local / demand) −
    ///      floor(cumBefore × local / demand), where cum runs over the interval's buyers in chunk order,
    ///      so the shares add up exactly (nothing when the header declares no demand); static shares:
    ///      its weight's share of the supply, at most what it still needs.
    function _buy(Pool memory pool, uint256 remaining, uint256 weight) private pure returns (uint256 bought) {
        unchecked {
            pool.chunkDemand += remaining;
            if (pool.key == AllocationKey.ProRata) {
                uint256 before = pool.demandBefore;
                uint256 demand = pool.demand;
                if (demand > 0) bought = ((before + remaining) * pool.local) / demand - (before * pool.local) / demand;
                pool.demandBefore = before + remaining;
            } else {
                pool.chunkWeights += weight;
                if (pool.weightTotal > 0) {
                    bought = (pool.supply * weight) / pool.weightTotal;
                    if (bought > remaining) bought = remaining;
                }
            }
            pool.chunkBought += bought;
        }
    }

    /// @dev A seller's share of what the buyers take, by the same cumulative rounding over the sellers.
    function _sell(Pool memory pool, uint256 remaining) private pure returns (uint256 sold) {
        unchecked {
            pool.chunkSupply += remaining;
            uint256 before = pool.supplyBefore;
            uint256 supply = pool.supply;
            if (supply > 0) sold = ((before + remaining) * pool.bought) / supply - (before * pool.bought) / supply;
            pool.supplyBefore = before + remaining;
        }
    }
}
