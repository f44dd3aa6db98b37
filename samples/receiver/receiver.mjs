// A webhook receiver on 127.0.0.1 that verifies every request with the official Standard Webhooks
// library (npm standardwebhooks). Usage: node receiver.mjs <whsec_secret> [port]
// Prints "listening <port>", then one line per request: "verified <webhook-id> <body>" (answered
// 204) or "refused <reason>" (answered 400). Stops on Ctrl+C, or when the pipe on its standard input closes (as when
// the program that started it ends); run in the background (&), it keeps running.
import { fstatSync } from "node:fs";
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const [secret, port = "0"] = process.argv.slice(2);
if (!secret) {
  console.error("usage: node receiver.mjs <whsec_secret> [port]");
  process.exit(2);
}

const webhook = new Webhook(secret);
const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      webhook.verify(body, request.headers);
      console.log(`verified ${request.headers["webhook-id"]} ${body}`);
      response.writeHead(204).end();
    } catch (error) {
      console.log(`refused ${error.message}`);
      response.writeHead(400, { "content-type": "text/plain" }).end(String(error.message));
    }
  });
});
server.listen(Number(port), "127.0.0.1", () => console.log(`listening ${server.address().port}`));
if (fstatSync(0).isFIFO()) {
  // Started by another program through a pipe: stop with it. (A terminal or /dev/null is not watched: reading a terminal
  // from the background would stop this process, and /dev/null closes at once.)
  process.stdin.on("close", () => process.exit(0));
  process.stdin.resume();
}
