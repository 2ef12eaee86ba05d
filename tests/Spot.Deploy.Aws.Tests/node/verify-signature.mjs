// Re-computes the SigV4 signature of one request with the AWS SDK's own signer
// (@smithy/signature-v4 with the SDK's Sha256 from @smithy/core/checksum) and compares it with the
// request's authorization header.
//
// stdin: one JSON object shaped like an element of reference-requests.mjs's output:
//   { method, hostname, path, headers, body, service?, region?, protocol?, query? }
//   `service` and `region` default to the ones in the authorization header's credential scope.
// env:   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, optional AWS_SESSION_TOKEN
// stdout: {"valid":true|false,"expected":"<authorization header>","actual":"<authorization header>"}
//
// The signature is computed at the request's own x-amz-date, over exactly the headers listed in its
// SignedHeaders (with their values as sent), and over the SHA-256 of the body as sent: an
// x-amz-content-sha256 header is re-derived from the body, never trusted. `valid` is true when the
// algorithm, credential (access key id and scope), SignedHeaders and Signature all equal the SDK's.
// Exit code: 0 when valid, 1 when invalid, 2 on bad input.

import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";
import { HttpRequest } from "@smithy/core/protocols";

const CONTENT_SHA256_HEADER = "x-amz-content-sha256";

function fail(message) {
  process.stderr.write(`verify-signature: ${message}\n`);
  process.exit(2);
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." (whitespace-tolerant). */
function parseAuthorization(value) {
  const match = /^\s*(\S+)\s+(.*)$/s.exec(value ?? "");
  if (!match) return null;
  const parts = {};
  for (const piece of match[2].split(",")) {
    const eq = piece.indexOf("=");
    if (eq < 0) return null;
    parts[piece.slice(0, eq).trim()] = piece.slice(eq + 1).trim();
  }
  if (!parts.Credential || !parts.SignedHeaders || !parts.Signature) return null;
  const scope = parts.Credential.split("/"); // AKID/yyyymmdd/region/service/aws4_request
  return {
    algorithm: match[1],
    credential: parts.Credential,
    signedHeaders: parts.SignedHeaders,
    signature: parts.Signature,
    scopeRegion: scope[2],
    scopeService: scope[3],
  };
}

/** "20261121T120000Z" -> Date */
function parseAmzDate(value) {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? "");
  if (!m) return null;
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
}

function splitPath(path) {
  const q = path.indexOf("?");
  if (q < 0) return { path, query: {} };
  const query = {};
  for (const [k, v] of new URLSearchParams(path.slice(q + 1))) {
    if (k in query) query[k] = [].concat(query[k], v);
    else query[k] = v;
  }
  return { path: path.slice(0, q), query };
}

async function main() {
  let input;
  try {
    input = JSON.parse(await readStdin());
  } catch (e) {
    fail(`stdin is not JSON: ${e.message}`);
  }
  if (!input || typeof input !== "object" || Array.isArray(input)) fail("stdin must be one JSON object");

  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  const sessionToken = process.env.AWS_SESSION_TOKEN || undefined;
  if (!accessKeyId || !secretAccessKey) fail("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set");

  const headers = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower in headers) fail(`duplicate header ${lower}`);
    headers[lower] = String(value);
  }
  const actual = headers.authorization ?? "";
  const parsedActual = parseAuthorization(actual);
  const signingDate = parseAmzDate(headers["x-amz-date"]);
  if (!signingDate) fail("the request has no valid x-amz-date header (yyyyMMddTHHmmssZ)");

  const hostname = input.hostname ?? headers.host;
  if (!hostname) fail("the request has neither hostname nor host header");
  const region = input.region ?? parsedActual?.scopeRegion;
  const service = input.service ?? parsedActual?.scopeService;
  if (!region || !service) fail("region/service missing (not in the input nor in the credential scope)");
  const body = input.body ?? "";
  if (typeof body !== "string") fail("body must be a string");

  // Sign over exactly the headers the request says it signed (names from SignedHeaders, values as
  // sent). Headers it did not sign are left out; a signed header missing from the request stays
  // missing, so the recomputed SignedHeaders (and the result) will differ.
  const signedNames = parsedActual
    ? parsedActual.signedHeaders.split(";").map((h) => h.trim().toLowerCase()).filter(Boolean)
    : Object.keys(headers).filter((h) => h !== "authorization");
  const toSign = {};
  for (const name of signedNames) {
    if (name in headers) toSign[name] = headers[name];
  }
  // Never trust a payload hash header: the signer would use it instead of hashing the body. When
  // it was signed, let the signer re-add it from the body actually sent (applyChecksum).
  const applyChecksum = CONTENT_SHA256_HEADER in toSign;
  delete toSign[CONTENT_SHA256_HEADER];

  const { path, query } = input.query ? { path: input.path ?? "/", query: input.query } : splitPath(input.path ?? "/");
  const request = new HttpRequest({
    method: input.method ?? "POST",
    protocol: input.protocol ?? "https:",
    hostname,
    path,
    query,
    headers: toSign,
    body,
  });

  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    region,
    service,
    sha256: Sha256,
    uriEscapePath: true,
    applyChecksum,
  });
  const signed = await signer.sign(request, {
    signingDate,
    signingRegion: region,
    signingService: service,
    // Signed headers that SigV4 normally never signs (e.g. user-agent) are still taken as listed.
    // Without an authorization header, fall back to the signer's own choice of headers.
    signableHeaders: parsedActual ? new Set(signedNames) : undefined,
  });
  const expected = signed.headers.authorization;
  const parsedExpected = parseAuthorization(expected);

  const valid =
    parsedActual !== null &&
    parsedActual.algorithm === parsedExpected.algorithm &&
    parsedActual.credential === parsedExpected.credential &&
    parsedActual.signedHeaders === parsedExpected.signedHeaders &&
    parsedActual.signature === parsedExpected.signature;

  process.stdout.write(JSON.stringify({ valid, expected, actual }) + "\n");
  process.exitCode = valid ? 0 : 1;
}

await main();
