import { expect, test } from "bun:test";
import { Host, hostLabel, nameAddresses } from "./host.tsx";

const names = new Map([
  ["192.168.10.20", "FRONTDESK-2"],
  ["10.0.0.1", "EXAM-1"],
  ["fe80::1", "PRINTER"],
]);

test.each([
  [
    "no check has run on 192.168.10.20 for 3 cycles",
    "no check has run on FRONTDESK-2 (192.168.10.20) for 3 cycles",
  ],
  [
    "windows.firewall on 192.168.10.20: expected on",
    "windows.firewall on FRONTDESK-2 (192.168.10.20): expected on",
  ],
  ["checks ran again on 10.0.0.1.", "checks ran again on EXAM-1 (10.0.0.1)."],
  // A longer address, or one inside a word, is another host.
  ["10.0.0.12 and 110.0.0.1 and x10.0.0.1", "10.0.0.12 and 110.0.0.1 and x10.0.0.1"],
  ["seen at fe80::1 twice", "seen at PRINTER (fe80::1) twice"],
  ["unknown 192.168.10.99", "unknown 192.168.10.99"],
])("nameAddresses(%p)", (text, want) => {
  expect(nameAddresses(text, names)).toBe(want);
});

test("a host shows by its name with the address on hover, or by its address when no name is known", () => {
  expect(hostLabel("192.168.10.20", names)).toBe("FRONTDESK-2");
  expect(hostLabel("192.168.10.99", names)).toBe("192.168.10.99");
  expect(String(<Host host="192.168.10.20" names={names} />)).toBe(
    '<span class="mono" title="192.168.10.20" data-host="192.168.10.20">FRONTDESK-2</span>',
  );
  expect(String(<Host host="192.168.10.99" names={names} />)).toBe('<span class="mono">192.168.10.99</span>');
});
