import fs from "node:fs";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { SerialChannel } from "../../src/channels/serial.ts";
import { CFLAG, IFLAG, LFLAG, OFLAG } from "../../src/channels/termios-flags.ts";
import { isHungUp } from "../../src/channels/termios-fd.ts";
import { getAttrs, setRaw } from "../../src/channels/termios.ts";
import { startPtyPair } from "../helpers/pty-pair.ts";

const { O_RDWR, O_NOCTTY, O_NONBLOCK } = fs.constants;
const ignore = { frame() {}, health() {} };

function attrsOf(device: string) {
  const fd = fs.openSync(device, O_RDWR | O_NOCTTY | O_NONBLOCK);
  try {
    return getAttrs(fd, device);
  } finally {
    fs.closeSync(fd);
  }
}

for (const baud of [115200, 9600, 921600]) {
  test(`start() puts the tty in raw 8N1 mode at ${baud} baud with CLOCAL|CREAD, VMIN 0 and VTIME 1`, async () => {
    const pair = await startPtyPair();
    const channel = new SerialChannel({ device: pair.a, baud });
    try {
      await channel.start(ignore);
      const t = attrsOf(pair.a);
      assert.is(
        t.lflag & (LFLAG.ECHO | LFLAG.ICANON | LFLAG.ISIG | LFLAG.IEXTEN),
        0,
        "no echo, no canonical mode, no signals",
      );
      assert.is(t.cflag & CFLAG.CSIZE, CFLAG.CS8, "8 data bits");
      assert.is(t.cflag & (CFLAG.PARENB | CFLAG.CSTOPB | CFLAG.CRTSCTS), 0, "no parity, 1 stop bit, no RTS/CTS");
      assert.is(t.cflag & (CFLAG.CLOCAL | CFLAG.CREAD), CFLAG.CLOCAL | CFLAG.CREAD, "ignore modem lines, receiver on");
      assert.is(t.iflag & (IFLAG.IXON | IFLAG.IXOFF | IFLAG.ICRNL), 0, "no XON/XOFF, no CR translation");
      assert.is(t.oflag & OFLAG.OPOST, 0, "no output processing");
      assert.is(t.baudOut, baud);
      assert.is(t.baudIn, baud);
      assert.is(t.vmin, 0);
      assert.is(t.vtime, 1);
    } finally {
      await channel.stop();
      await pair.kill();
      fs.rmSync(pair.dir, { recursive: true, force: true });
    }
  });
}

test("setRaw on a file that is not a tty throws naming the device and the errno", () => {
  const fd = fs.openSync("/dev/null", O_RDWR);
  try {
    assert.throws(
      () => setRaw(fd, 115200, "/dev/null"),
      /tcgetattr on \/dev\/null failed with ENOTTY \(errno 25\); expected a terminal/,
    );
  } finally {
    fs.closeSync(fd);
  }
});

test("setRaw refuses a speed outside the supported list, saying which speeds are allowed", () => {
  assert.throws(() => setRaw(0, 12345, "/dev/ttyS1"), /\/dev\/ttyS1: expected one of 9600, .*921600, got 12345/);
});

test("isHungUp tells a silent tty from one whose other end went away", async () => {
  const pair = await startPtyPair();
  const fd = fs.openSync(pair.a, O_RDWR | O_NOCTTY | O_NONBLOCK);
  try {
    assert.is(isHungUp(fd), false, "silence is not a hang-up");
    await pair.kill();
    assert.is(isHungUp(fd), true, "socat gone: hung up");
  } finally {
    fs.closeSync(fd);
    fs.rmSync(pair.dir, { recursive: true, force: true });
  }
});

test.run();
