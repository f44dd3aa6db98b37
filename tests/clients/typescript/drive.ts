// Drives the sample's management API with a client generated from the document it serves (openapi-typescript's types,
// openapi-fetch's calls), as an API user would, and checks every answer. GeneratedClientsTests generates management.ts next to
// a copy of this folder's files in a temporary folder, compiles them with tsc --strict and runs the result:
//   node out/drive.js <API base URL> <destination URL> <alice's API key> <bob's API key>
// Exits 0 when the API answered as its document says, else 1 with what differed.
import createClient from "openapi-fetch";
import type { components, paths } from "./management.js";

type Endpoint = components["schemas"]["WebhookEndpointResponse"];
type Attempt = components["schemas"]["WebhookAttemptResponse"];

/** An answer other than the document and the calls before it promise. */
class Mismatch extends Error {}

function expect(condition: boolean, what: string): asserts condition {
  if (!condition) {
    throw new Mismatch(`expected ${what}`);
  }
}

function single<T>(items: readonly T[], what: string): T {
  const [only, ...others] = items;
  expect(only !== undefined && others.length === 0, `${what}: one, not ${items.length}`);
  return only;
}

/** A problem's status, a number as the document says: were it `number | string`, this would not compile. */
function statusOf(problem: { status?: number | null } | undefined): number | undefined {
  return problem?.status ?? undefined;
}

const [baseUrl, destination, aliceKey, bobKey, ...extra] = process.argv.slice(2);
if (baseUrl === undefined || destination === undefined || aliceKey === undefined || bobKey === undefined || extra.length > 0) {
  console.error("Usage: node out/drive.js <API base URL> <destination URL> <alice's API key> <bob's API key>");
  process.exit(2);
}

const alice = createClient<paths>({ baseUrl, headers: { "X-Api-Key": aliceKey } });
const bob = createClient<paths>({ baseUrl, headers: { "X-Api-Key": bobKey } });

async function create(url: string, description: string): Promise<Endpoint> {
  const { data, error, response } = await alice.POST("/webhooks/endpoints", { body: { url, description } });
  expect(response.status === 201 && data !== undefined, `registering ${url} answers 201: ${response.status} ${JSON.stringify(error)}`);
  expect(data.id.startsWith("ep_"), `a new endpoint has an ep_ id: ${data.id}`);
  expect(data.url === url && data.description === description, `a new endpoint has its settings: ${data.url}`);
  expect(data.secret?.startsWith("whsec_") === true, "a new endpoint comes with its whsec_ secret");
  return data;
}

async function firstAttempt(endpointId: string, messageId: string): Promise<Attempt> {
  const started = Date.now();
  for (;;) {
    const { data, error } = await alice.GET("/webhooks/attempts", { params: { query: { endpointId, messageId } } });
    expect(data !== undefined, `the attempts: ${JSON.stringify(error)}`);
    const [attempt] = data.data;
    if (attempt !== undefined) {
      return attempt;
    }

    expect(Date.now() - started < 30_000, `an attempt of ${messageId} is logged within 30 s`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function drive(): Promise<string> {
  // Two endpoints, so that listing one a page takes two pages.
  const first = await create(`${destination}/typescript-first`, "TypeScript: first");
  const second = await create(`${destination}/typescript-second`, "TypeScript: second");
  const id = first.id;
  const path = { params: { path: { endpointId: id } } };

  const read = await alice.GET("/webhooks/endpoints/{endpointId}", path);
  expect(read.data !== undefined, `reading ${id} answers it: ${read.response.status}`);
  expect(
    read.data.id === id && read.data.url === first.url && read.data.description === first.description && read.data.secret == null,
    `reading ${id} answers it, without its secret: got ${read.data.id} ${read.data.url}`);
  expect(read.data.enabled && read.data.version >= 1 && read.data.circuit.state !== "", "the endpoint read has its state");

  // Newest first, one a page, following the cursor until the last page.
  const listed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await alice.GET("/webhooks/endpoints", { params: { query: { limit: 1, cursor } } });
    expect(page.data !== undefined, `a page of endpoints: ${page.response.status} ${JSON.stringify(page.error)}`);
    listed.push(single(page.data.data, "a page of limit 1 holds one endpoint").id);
    cursor = page.data.nextCursor ?? undefined;
  } while (cursor !== undefined && listed.length < 10);
  expect(listed.join() === [second.id, first.id].join(), `the pages list ${second.id}, ${first.id}: got ${listed.join(", ")}`);

  // No body: the rotation's settings are optional.
  const rotated = await alice.POST("/webhooks/endpoints/{endpointId}/secret/rotate", path);
  expect(rotated.data !== undefined, `rotating the secret answers it: ${rotated.response.status} ${JSON.stringify(rotated.error)}`);
  expect(rotated.data.secret?.startsWith("whsec_") === true, `the rotated secret is a whsec_ one: ${rotated.data.secret}`);
  expect(rotated.data.secret !== first.secret, "the rotated secret differs from the one the endpoint was registered with");
  const secret = await alice.GET("/webhooks/endpoints/{endpointId}/secret", path);
  expect(secret.data?.secret === rotated.data.secret, "reading the secret after the rotation answers the new one");

  // An event type's example is any JSON value (here an object): what a test event sends.
  const types = await alice.GET("/webhooks/event-types");
  const eventType = types.data?.data.find(t => t.name === "new-subscription");
  expect(eventType !== undefined, `new-subscription is an event type: ${JSON.stringify(types.data ?? types.error)}`);
  const example = eventType.example;
  expect(
    typeof example === "object" && example !== null && "username" in example,
    `new-subscription's example is a subscription: ${JSON.stringify(example)}`);

  // A test event answers with the message and its one delivery, to this endpoint.
  const test = await alice.POST("/webhooks/endpoints/{endpointId}/test", { ...path, body: { eventType: eventType.name } });
  expect(test.response.status === 202 && test.data !== undefined, `a test event answers 202: ${test.response.status}`);
  const message = test.data;
  expect(message.id.startsWith("msg_"), `the test event is a msg_ message: ${message.id}`);
  expect(message.eventType === "new-subscription", `the test event is a new-subscription: ${message.eventType}`);
  expect(single(message.deliveries, "the test event's deliveries").endpointId === id, `the test event's delivery is to ${id}`);

  // The attempt is logged once the dispatcher has made it, and the message lists under the endpoint once its delivery is made.
  const attempt = await firstAttempt(id, message.id);
  expect(
    attempt.messageId === message.id && attempt.endpointId === id && attempt.eventType === "new-subscription",
    `the attempt is of ${message.id} at ${id}: got ${attempt.messageId} at ${attempt.endpointId}`);
  const status = attempt.statusCode ?? 0;
  expect(
    attempt.succeeded && status >= 200 && status < 300 && attempt.durationMs >= 0 && attempt.id > 0,
    `the attempt succeeded: ${attempt.statusCode} ${attempt.errorKind} ${attempt.error}`);

  const messages = await alice.GET("/webhooks/messages", { params: { query: { endpointId: id } } });
  expect(messages.data?.data.some(m => m.id === message.id) === true, `the messages to ${id} list ${message.id}`);

  // Another tenant's endpoint is not found, whatever the call.
  const bobReads = await bob.GET("/webhooks/endpoints/{endpointId}", path);
  expect(
    bobReads.response.status === 404 && statusOf(bobReads.error) === 404,
    `bob reading alice's endpoint is answered 404: ${bobReads.response.status} ${JSON.stringify(bobReads.error)}`);
  const bobDeletes = await bob.DELETE("/webhooks/endpoints/{endpointId}", path);
  expect(bobDeletes.response.status === 404, `bob deleting alice's endpoint is answered 404: ${bobDeletes.response.status}`);

  for (const endpointId of [id, second.id]) {
    const deleted = await alice.DELETE("/webhooks/endpoints/{endpointId}", { params: { path: { endpointId } } });
    expect(deleted.response.status === 204, `deleting ${endpointId} answers 204: ${deleted.response.status}`);
  }

  const gone = await alice.GET("/webhooks/endpoints/{endpointId}", path);
  expect(gone.response.status === 404, `a deleted endpoint is answered 404: ${gone.response.status}`);
  const left = await alice.GET("/webhooks/endpoints");
  expect(left.data?.data.length === 0 && left.data.nextCursor === null, `no endpoint is left: ${JSON.stringify(left.data)}`);
  return `${id}, ${message.id}`;
}

try {
  console.log(`TypeScript client: every call answered as documented (${await drive()}).`);
} catch (e) {
  console.error(`TypeScript client: ${e instanceof Mismatch ? e.message : e instanceof Error ? e.stack : String(e)}`);
  process.exitCode = 1;
}
