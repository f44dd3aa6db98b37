// Signs and verifies with the official Standard Webhooks library (npm standardwebhooks), so the .NET tests can check
// Hookline.StandardWebhooks against it both ways. The body is read from a file, as UTF-8.
// Usage: node standard-webhooks.mjs sign <whsec_secret> <webhook-id> <webhook-timestamp> <body-file>
//          prints the webhook-signature value
//        node standard-webhooks.mjs verify <whsec_secret> <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>
//          prints "verified" (exit 0), or the library's error (exit 1); the timestamp is checked against the clock
import { readFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const [command, secret, id, timestamp, ...rest] = process.argv.slice(2);
const webhook = new Webhook(secret);
if (command === "sign") {
  const body = readFileSync(rest[0], "utf8");
  console.log(webhook.sign(id, new Date(Number(timestamp) * 1000), body));
} else if (command === "verify") {
  const [signature, bodyFile] = rest;
  const body = readFileSync(bodyFile, "utf8");
  try {
    webhook.verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature }, { jsonParse: false });
    console.log("verified");
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
} else {
  console.error("usage: node standard-webhooks.mjs sign|verify ...");
  process.exit(2);
}
