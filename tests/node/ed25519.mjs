// Standard Webhooks v1a with Node's built-in Ed25519 (node:crypto, on OpenSSL), written from the specification's text and
// nothing else, so the .NET tests can check Hookline.StandardWebhooks against an implementation that shares no code with it.
// The signed content is `{webhook-id}.{webhook-timestamp}.{body}`, the body's bytes as they are in the file; a signature is
// `v1a,` + base64 of the 64-byte Ed25519 signature. whsk_ is base64 of the 32-byte seed then the 32-byte public key (as Svix
// writes it), whpk_ base64 of the 32-byte public key.
// Usage: node ed25519.mjs generate
//          prints {"signingKey":"whsk_...","publicKey":"whpk_...","jwks":{...}}: a new key pair, and a JSON Web Key Set with its
//          public key (kid "node-1") after an RSA key, as key sets that also publish other keys have it
//        node ed25519.mjs sign <whsk_...> <webhook-id> <webhook-timestamp> <body-file>
//          prints the webhook-signature value
//        node ed25519.mjs verify <whpk_... | jwk-file> <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>
//          prints "verified" (exit 0) when a v1a signature in the space-separated header verifies with the key (a whpk_, or a
//          file holding one JSON Web Key), else why not (exit 1); the timestamp is not checked against the clock
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { readFileSync } from "node:fs";

const [command, ...args] = process.argv.slice(2);

function content(id, timestamp, bodyFile) {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, "utf8"), readFileSync(bodyFile)]);
}

function decode(text, prefix, bytes) {
  if (!text.startsWith(prefix)) throw new Error(`expected ${prefix}...`);
  const raw = Buffer.from(text.slice(prefix.length), "base64");
  if (raw.length !== bytes) throw new Error(`expected ${bytes} bytes after ${prefix}, got ${raw.length}`);
  return raw;
}

if (command === "generate") {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = privateKey.export({ format: "jwk" });
  const d = Buffer.from(jwk.d, "base64url");
  const x = Buffer.from(jwk.x, "base64url");
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });
  console.log(JSON.stringify({
    signingKey: "whsk_" + Buffer.concat([d, x]).toString("base64"),
    publicKey: "whpk_" + x.toString("base64"),
    jwks: {
      keys: [
        { ...rsa, kid: "rsa-1", use: "sig", alg: "RS256" },
        { ...publicKey.export({ format: "jwk" }), kid: "node-1", use: "sig", alg: "EdDSA" },
      ],
    },
  }));
} else if (command === "sign") {
  const [signingKey, id, timestamp, bodyFile] = args;
  const pair = decode(signingKey, "whsk_", 64);
  const key = createPrivateKey({
    format: "jwk",
    key: { kty: "OKP", crv: "Ed25519", d: pair.subarray(0, 32).toString("base64url"), x: pair.subarray(32).toString("base64url") },
  });
  console.log("v1a," + sign(null, content(id, timestamp, bodyFile), key).toString("base64"));
} else if (command === "verify") {
  const [keyArgument, id, timestamp, header, bodyFile] = args;
  const key = keyArgument.startsWith("whpk_")
    ? createPublicKey({ format: "jwk", key: { kty: "OKP", crv: "Ed25519", x: decode(keyArgument, "whpk_", 32).toString("base64url") } })
    : createPublicKey({ format: "jwk", key: JSON.parse(readFileSync(keyArgument, "utf8")) });
  const signed = content(id, timestamp, bodyFile);
  const verified = header.split(" ")
    .filter((entry) => entry.startsWith("v1a,"))
    .some((entry) => verify(null, signed, key, Buffer.from(entry.slice(4), "base64")));
  if (verified) {
    console.log("verified");
  } else {
    console.error("no v1a signature in the header verifies with the key");
    process.exit(1);
  }
} else {
  console.error("usage: node ed25519.mjs generate | sign ... | verify ...");
  process.exit(2);
}
