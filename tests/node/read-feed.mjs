// Reads a polling endpoint's feed over HTTP, as a receiver behind a firewall would, and verifies every message with the official
// Standard Webhooks library (npm standardwebhooks): its body as the page's JSON.parse gives it, its headers as they come.
// Usage: node read-feed.mjs <feed-url> <header-name> <header-value> <whsec_secret> <count>
//          prints one line per message, "verified <webhook-id> <body>", once <count> have been read (exit 0);
//          the library's error and the message (exit 1) if one does not verify
import { Webhook } from "standardwebhooks";

const [url, headerName, headerValue, secret, count] = process.argv.slice(2);
const webhook = new Webhook(secret);
const deadline = Date.now() + 30_000;
let cursor = null;
let read = 0;
while (read < Number(count)) {
  if (Date.now() > deadline) {
    console.error(`only ${read} of ${count} messages after 30 s`);
    process.exit(1);
  }

  const page = new URL(url);
  page.searchParams.set("wait", "5");
  if (cursor !== null) {
    page.searchParams.set("cursor", cursor);
  }

  const response = await fetch(page, { headers: { [headerName]: headerValue } });
  if (!response.ok) {
    console.error(`${response.status} ${await response.text()}`);
    process.exit(1);
  }

  const { data, nextCursor } = await response.json();
  for (const item of data) {
    try {
      webhook.verify(item.body, item.headers);
    } catch (error) {
      console.error(`${error.message}: ${JSON.stringify(item)}`);
      process.exit(1);
    }

    console.log(`verified ${item.headers["webhook-id"]} ${item.body}`);
    read++;
  }

  cursor = nextCursor;
}
