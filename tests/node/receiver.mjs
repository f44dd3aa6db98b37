// A webhook receiver on 127.0.0.1 that verifies every request with the official Standard Webhooks
// library. Usage: node receiver.mjs <whsec_secret>. Prints "listening <port>", then answers 204 to
// requests whose signature verifies and 400 (with the library's error) to the rest.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const webhook = new Webhook(process.argv[2]);
const server = createServer((request, response) => {
  const chunks = [];
  request.on("data", (chunk) => chunks.push(chunk));
  request.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    try {
      webhook.verify(body, request.headers);
      response.writeHead(204).end();
    } catch (error) {
      response.writeHead(400, { "content-type": "text/plain" }).end(String(error.message));
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`listening ${server.address().port}`));
// The test closes our stdin when it is done: stop at once, whatever connections are still open.
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
