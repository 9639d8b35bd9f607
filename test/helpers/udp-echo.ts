// A UDP peer that sends every frame it receives straight back: run inside a network namespace by tests.
import { UdpChannel } from "../../src/channels/udp.ts";

const [local, peer, port] = process.argv.slice(2);
if (!local || !peer || !port) {
  console.error("usage: udp-echo.ts LOCAL PEER PORT");
  process.exit(2);
}
const ch = new UdpChannel({ localAddress: local, peerAddress: peer, port: Number(port) });
await ch.start({ frame: (b) => ch.send(b), health: (_c, up, d) => console.log(`health ${up} ${d}`) });
console.log("ready");
process.on("SIGTERM", () => void ch.stop().then(() => process.exit(0)));
