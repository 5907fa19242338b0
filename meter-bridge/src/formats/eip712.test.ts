import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import { decodeEip712, meterReadingTypedData } from "./eip712.ts";
import { assertReadings, assertRejected, fixture, input, TEST_SIGNER, TEST_SIGNER_KEY, utf8 } from "./test-support.ts";

const AT = "2026-06-21T08:15:01Z";
const MP = "DE0001234520660000000000000000001";
const good = JSON.parse(Buffer.from(fixture("eip712/reading.json")).toString("utf8"));
const decode = (body: object, settings?: Parameters<typeof input>[3]) =>
  decodeEip712(input(utf8(JSON.stringify(body)), AT, `nachbarstrom/burtscheid-sued/${MP}/signed`, settings));

describe("signed readings (EIP-712)", () => {
  test("the fixture was signed by the registered test key, and is reproduced by signing again", async () => {
    const account = privateKeyToAccount(TEST_SIGNER_KEY);
    assert.equal(account.address, TEST_SIGNER);
    const message = { meteringPointId: MP, importWh: 1_234_567n, exportWh: 89_012n, timestamp: 1_782_029_700n };
    assert.equal(await account.signTypedData(meterReadingTypedData(message)), good.signature);
    assertReadings(await decodeEip712(input(fixture("eip712/reading.json"), AT)), [
      { meteringPointId: MP, timestamp: "2026-06-21T08:15:00Z", importWh: 1_234_567n, exportWh: 89_012n, signed: true },
    ]);
  });

  test("rejects a changed value, another signer, and a malformed signature", async () => {
    assertRejected(
      await decode({ ...good, importWh: "1234568" }),
      /^signed reading \(EIP-712\): signature is by 0x[0-9a-fA-F]{40}, not by the signer registered for "DE0001234520660000000000000000001" \(0x70997970/,
    );
    const stranger = privateKeyToAccount(generatePrivateKey());
    const signature = await stranger.signTypedData(
      meterReadingTypedData({
        meteringPointId: MP,
        importWh: 1_234_567n,
        exportWh: 89_012n,
        timestamp: 1_782_029_700n,
      }),
    );
    assertRejected(
      await decode({ ...good, signature }),
      new RegExp(`signature is by ${stranger.address}, not by the signer registered`),
    );
    assertRejected(await decode({ ...good, signature: "0x1234" }), /signature "0x1234" is not 65 bytes of hex/);
    assertRejected(await decode({ ...good, signature: `0x${"00".repeat(65)}` }), /signature is invalid/);
  });

  test("rejects unknown metering points, extra fields, negative and non-integer values, other domains", async () => {
    assertRejected(
      await decode({ ...good, meteringPointId: "DE0001234520660000000000000000002" }),
      /unknown metering point "DE0001234520660000000000000000002": no signer is registered/,
    );
    assertRejected(await decode({ ...good, note: "x" }), /unexpected field "note"/);
    assertRejected(await decode({ ...good, exportWh: -1 }), /exportWh is negative \(-1\)/);
    assertRejected(await decode({ ...good, exportWh: "1.5" }), /exportWh "1\.5" is not a decimal integer/);
    assertRejected(await decode({ ...good, timestamp: undefined }), /timestamp is missing/);
    const otherChain = {
      eip712: { signers: { [MP]: TEST_SIGNER }, domain: { name: "Nachbarstrom", version: "1", chainId: 1337 } },
    };
    assertRejected(await decode(good, otherChain), /signature is by 0x[0-9a-fA-F]{40}, not by the signer registered/);
  });
});
