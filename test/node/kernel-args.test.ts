// Kernel arguments are read the way dracut reads them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { getarg, getargbool, splitCmdline } from "../../src/node/kernel-args.ts";
import { parseKernelArgs } from "../../src/node/kernel-args.ts";

test("the command line splits on blanks and keeps quoted words whole", () => {
  assert.equal(splitCmdline(' ro  root=/dev/vda1 foo="a b" quiet\n'), ["ro", "root=/dev/vda1", "foo=a b", "quiet"]);
});

test("the last occurrence of an argument wins, as with dracut's getarg", () => {
  const w = splitCmdline("rd.clusterguard.node=a rd.clusterguard.node=b");
  assert.is(getarg(w, "rd.clusterguard.node"), "b");
  assert.is(getarg(w, "rd.clusterguard.nod"), null);
});

test("getargbool reads exactly 0/no/off as false, as dracut does, and a bare flag as true", () => {
  for (const [text, want] of [
    ["x=0", false],
    ["x=no", false],
    ["x=off", false],
    ["x=false", true],
    ["x=OFF", true],
    ["x=1", true],
    ["x", true],
    ["", true],
  ] as const) {
    assert.is(getargbool(splitCmdline(text), "x", true), want, text);
  }
  assert.is(getargbool([], "x", false), false);
});

test("rd.clusterguard=0 disables the guard; absent means enabled", () => {
  assert.is(parseKernelArgs("root=/dev/vda1 rd.clusterguard=0").enabled, false);
  assert.is(parseKernelArgs("root=/dev/vda1").enabled, true);
});

test("node and address come from rd.clusterguard.node and rd.clusterguard.address", () => {
  const k = parseKernelArgs(
    "quiet rd.clusterguard.node=b rd.clusterguard.address=192.168.100.2/24 rd.clusterguard.interface=eth0 rd.clusterguard.debug",
  );
  assert.equal(k, { enabled: true, node: "b", address: "192.168.100.2/24", interface: "eth0", debug: true });
  assert.is(parseKernelArgs("rd.clusterguard.node=").node, null);
});

test.run();
