// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice BENCHMARK ONLY: a plain ERC-20 for the naive baseline of `npm run bench:gas`, in which
///         every trade is one token transfer. Never deployed by the project.
contract BaselineToken is ERC20 {
    constructor() ERC20("Baseline", "BASE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice One transfer per trade, as a naive settlement would send them.
    function transferMany(address[] calldata from, address[] calldata to, uint256[] calldata amounts) external {
        for (uint256 i; i < from.length; ++i) _transfer(from[i], to[i], amounts[i]);
    }
}
