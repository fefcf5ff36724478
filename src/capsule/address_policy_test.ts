import assert from "node:assert/strict";
import { forbiddenAddressReason, inCidr, parseIp } from "./address_policy.ts";

Deno.test("forbiddenAddressReason() refuses private, loopback, link-local and metadata addresses", async (t) => {
  const refused: [string, RegExp][] = [
    ["127.0.0.1", /loopback/],
    ["127.255.1.2", /loopback/],
    ["0.0.0.0", /this network/],
    ["10.1.2.3", /private \(10\.0\.0\.0\/8\)/],
    ["172.16.0.1", /private \(172\.16/],
    ["172.31.255.255", /private \(172\.16/],
    ["192.168.1.1", /private \(192\.168/],
    ["169.254.169.254", /link-local, cloud metadata/],
    ["100.64.0.1", /CGNAT/],
    ["100.100.100.200", /CGNAT/],
    ["224.0.0.1", /multicast/],
    ["255.255.255.255", /broadcast/],
    ["198.18.0.1", /benchmarking/],
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["[::1]", /loopback/],
    ["::ffff:127.0.0.1", /IPv4-mapped/],
    ["::ffff:7f00:1", /IPv4-mapped/],
    ["::127.0.0.1", /IPv4-compatible/],
    ["64:ff9b::a9fe:a9fe", /NAT64/],
    ["2002:a9fe:a9fe::1", /6to4/],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", /Teredo/],
    ["fc00::1", /unique local/],
    ["fd00:ec2::254", /unique local/],
    ["fe80::1", /link-local/],
    ["FE80::1", /link-local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    ["localhost", /is not an IP address/],
    ["0177.0.0.1", /is not an IP address/],
    ["1.2.3", /is not an IP address/],
    ["1::2::3", /is not an IP address/],
  ];
  for (const [address, expected] of refused) {
    await t.step(address, () => {
      const reason = forbiddenAddressReason(address);
      assert.ok(reason, `${address} should be refused`);
      assert.match(reason, expected);
    });
  }
});

Deno.test("forbiddenAddressReason() lets public unicast addresses through", () => {
  for (
    const a of [
      "1.1.1.1",
      "8.8.8.8",
      "140.82.112.3",
      "172.32.0.1",
      "100.128.0.1",
      "2606:4700::1111",
      "2a00:1450:4001::200e",
    ]
  ) {
    assert.equal(forbiddenAddressReason(a), undefined, a);
  }
});

Deno.test("forbiddenAddressReason() honours test exemptions only for the exempted block", () => {
  const policy = { allowCidrs: ["127.0.0.1/32"] };
  assert.equal(forbiddenAddressReason("127.0.0.1", policy), undefined);
  assert.match(forbiddenAddressReason("127.0.0.2", policy)!, /loopback/);
  assert.match(forbiddenAddressReason("169.254.169.254", policy)!, /link-local/);
});

Deno.test("parseIp() and inCidr() agree on byte boundaries", () => {
  assert.deepEqual(parseIp("1.2.3.4")?.bytes, Uint8Array.of(1, 2, 3, 4));
  assert.equal(parseIp("::")?.bytes.length, 16);
  assert.ok(inCidr(parseIp("172.31.0.1")!, "172.16.0.0/12"));
  assert.ok(!inCidr(parseIp("172.32.0.1")!, "172.16.0.0/12"));
  assert.ok(!inCidr(parseIp("::1")!, "127.0.0.0/8"));
  assert.ok(inCidr(parseIp("fe80::1")!, "fe80::/10"));
  assert.ok(inCidr(parseIp("febf::1")!, "fe80::/10"));
  assert.ok(!inCidr(parseIp("fec0::1")!, "fe80::/10"));
});
