import hre from "hardhat";
import { NachbarstromError } from "@nachbarstrom/core";

/** The EVM version every contract is compiled for (hardhat.config.ts); all compilers must agree. */
export function compiledEvmVersion(): string {
  const versions = new Set(
    hre.config.solidity.profiles.default.compilers.map((compiler) => compiler.settings.evmVersion as string),
  );
  if (versions.size !== 1) {
    throw new NachbarstromError("The compilers of hardhat.config.ts disagree on the EVM version", {
      details: [...versions].join(", "),
    });
  }
  return [...versions][0];
}
