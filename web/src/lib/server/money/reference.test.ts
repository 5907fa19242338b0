import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPaymentReference, newPaymentReference, REFERENCE_ALPHABET } from "./reference.ts";

describe("payment references", () => {
  it("look like NS-XXXX-XX with only unambiguous characters and carry a valid check character", () => {
    for (let i = 0; i < 200; i++) {
      const reference = newPaymentReference();
      assert.match(reference, /^NS-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{2}$/);
      assert.ok(isPaymentReference(reference), reference);
    }
  });

  it("are drawn from the random source", () => {
    let next = 0;
    const counting = () => next++ % REFERENCE_ALPHABET.length;
    assert.equal(newPaymentReference(counting).slice(0, 7), "NS-2345");
  });

  it("detect any single mistyped character and a swap of neighbours", () => {
    const reference = newPaymentReference();
    const body = reference.replace(/^NS-|-/g, "");
    for (let i = 0; i < body.length; i++) {
      for (const other of REFERENCE_ALPHABET) {
        if (other === body[i]) continue;
        const typo = body.slice(0, i) + other + body.slice(i + 1);
        assert.ok(!isPaymentReference(`NS-${typo.slice(0, 4)}-${typo.slice(4)}`), `${typo} from ${body}`);
      }
    }
    const swapped = body[1] + body[0] + body.slice(2);
    if (swapped !== body) {
      assert.ok(!isPaymentReference(`NS-${swapped.slice(0, 4)}-${swapped.slice(4)}`), `swap of ${body}`);
    }
  });

  it("refuse malformed text", () => {
    for (const text of ["", "NS-0000-00", "ns-7k3q-9p", "NS-7K3Q9P", "XX-7K3Q-9P"])
      assert.ok(!isPaymentReference(text));
  });
});
