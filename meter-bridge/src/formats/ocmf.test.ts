import { generateKeyPairSync, sign } from "node:crypto";
import { describe, test } from "node:test";
import { decodeOcmf } from "./ocmf.ts";
import { assertReadings, assertRejected, fixtureText, input, utf8 } from "./test-support.ts";

const AT = "2026-06-21T08:15:01Z";
const good = fixtureText("ocmf/reading.txt");
const decode = (text: string, settings?: Parameters<typeof input>[3]) =>
  decodeOcmf(input(utf8(text), AT, "ocmf/EM1-0004711", settings));
const payloadOf = (text: string) => JSON.parse(text.slice(5, text.lastIndexOf("|")));

/** Signs a payload with a fresh key; returns the message and settings that register that key. */
function signed(payload: object, importOnly = false) {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const text = JSON.stringify(payload);
  const sd = sign("sha256", Buffer.from(text), { key: privateKey, dsaEncoding: "der" }).toString("hex");
  const key = publicKey.export({ type: "spki", format: "der" }).toString("hex");
  return {
    message: `OCMF|${text}|{"SD":"${sd}"}`,
    settings: { ocmf: { meters: { "EM1-0004711": { meteringPointId: "DE-OCMF-1", publicKey: key, importOnly } } } },
  };
}

describe("OCMF signed readings", () => {
  test("the fixture verifies with the meter's registered key; RD fields carry over from the previous reading", async () => {
    assertReadings(await decode(good), [
      {
        meteringPointId: "DE-OCMF-1",
        timestamp: "2026-06-21T08:15:00Z",
        importWh: 1_234_567n,
        exportWh: 89_012n,
        signed: true,
      },
    ]);
  });

  test("a transaction's begin and end readings, the key given as hex DER, import only", async () => {
    const payload = {
      ...payloadOf(good),
      RD: [
        {
          TM: "2026-06-21T09:00:00,000+0200 S",
          TX: "B",
          RV: 2935.6,
          RI: "01-0B:01.08.00*FF",
          RU: "kWh",
          RT: "AC",
          EF: "",
          ST: "G",
        },
        { TM: "2026-06-21T10:15:00,000+0200 S", TX: "E", RV: 2965.1 },
      ],
    };
    const { message, settings } = signed(payload, true);
    assertReadings(await decode(message, settings), [
      {
        meteringPointId: "DE-OCMF-1",
        timestamp: "2026-06-21T07:00:00Z",
        importWh: 2_935_600n,
        exportWh: 0n,
        signed: true,
      },
      {
        meteringPointId: "DE-OCMF-1",
        timestamp: "2026-06-21T08:15:00Z",
        importWh: 2_965_100n,
        exportWh: 0n,
        signed: true,
      },
    ]);
  });

  test("rejects a changed payload, a foreign signature, an unknown meter", async () => {
    assertRejected(
      await decode(good.replace("1234.567", "1234.568")),
      /^OCMF: signature does not verify with the meter's registered public key$/,
    );
    const { message } = signed(payloadOf(good));
    assertRejected(await decode(message), /signature does not verify/);
    assertRejected(
      await decode(good.replace('"MS":"EM1-0004711"', '"MS":"EM1-0004712"')),
      /unknown meter: serial "EM1-0004712"/,
    );
  });

  test("rejects bad status, error flags, unsynchronised clocks, wrong units, a missing export", async () => {
    const rd = payloadOf(good).RD;
    const cases: [object[], RegExp][] = [
      [[{ ...rd[0], ST: "E" }, rd[1]], /RD\[0\] has meter status "E", not "G"/],
      [[{ ...rd[0], EF: "t" }, rd[1]], /RD\[0\] has error flags "t"/],
      [[{ ...rd[0], TM: "2026-06-21T10:15:00,000+0200 U" }, rd[1]], /the meter's clock is not synchronised/],
      [[{ ...rd[0], RU: "kvarh" }, rd[1]], /has unit "kvarh"/],
      [[rd[0]], /no export reading \(1-b:2\.8\.0\)/],
      [[{ ...rd[0], RV: -3 }, rd[1]], /is negative/],
    ];
    for (const [readings, reason] of cases) {
      const { message, settings } = signed({ ...payloadOf(good), RD: readings });
      assertRejected(await decode(message, settings), reason);
    }
  });

  test("rejects malformed messages", async () => {
    assertRejected(await decode("OCMP|{}|{}"), /does not start with "OCMF\|"/);
    assertRejected(await decode(good.slice(0, 60)), /truncated: the signature section is missing|is not valid JSON/);
    assertRejected(
      await decode(good.replace('"SA":"ECDSA-secp256r1-SHA256"', '"SA":"ECDSA-brainpool256r1-SHA256"')),
      /algorithm "ECDSA-brainpool256r1-SHA256" is not supported/,
    );
  });
});
