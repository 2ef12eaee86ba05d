// Produces reference SigV4-signed AWS Query requests with the official AWS SDK for JavaScript v3
// (@aws-sdk/client-ec2, @aws-sdk/client-elastic-load-balancing-v2), without sending anything over
// the network. Prints ONE JSON document (an array, one object per operation) to stdout.
//
// How it stays offline and deterministic:
//  * requestHandler: a capturing handler replaces the Node HTTP handler. Its handle() runs after the
//    SDK's signing middleware, records the final signed HttpRequest and answers with a canned
//    200 XML response the SDK parses normally, so send() resolves and no socket is ever opened.
//  * signer: the public `signer` client option is given the SDK's own SignatureV4 (the same class
//    and Sha256 implementation the clients use by default) wrapped so every signature uses the fixed
//    signing date 2026-11-21T12:00:00Z. Region and signing name still come from the SDK's own
//    endpoint/auth-scheme resolution ("ec2", "elasticloadbalancing"). Date itself is not touched.
//  * amz-sdk-invocation-id: the retry middleware stamps a random UUIDv4 on every request, and that
//    header is signed; a tiny middleware placed right before signing replaces it with a fixed,
//    per-operation UUID. Every other header is exactly what the SDK adds.
//  * Environment: AWS_* variables are removed and the shared config/credentials files pointed at a
//    missing path inside this process, so nothing on the machine can change endpoints, retries,
//    user-agent app ids or credentials. Credentials and region are given explicitly.
// The user-agent headers carry the SDK, Node.js and OS versions: the output is byte-identical for
// repeated runs on one machine with one Node.js version.

import { EC2Client, DescribeImagesCommand } from "@aws-sdk/client-ec2";
import {
  ElasticLoadBalancingV2Client,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@smithy/core/checksum";
import { Readable } from "node:stream";

// ---------------------------------------------------------------------------------------------
// Fixed inputs
// ---------------------------------------------------------------------------------------------

export const REGION = "us-east-1";
export const FIXED_SIGNING_DATE = new Date(Date.UTC(2026, 10, 21, 12, 0, 0)); // 2026-11-21T12:00:00Z
export const CREDENTIALS = Object.freeze({
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
});
export const SESSION_CREDENTIALS = Object.freeze({
  ...CREDENTIALS,
  sessionToken: "FQoGZXIvYXdzEXAMPLETOKEN",
});

const ACCOUNT = "123456789012";
const ELB_ARN_PREFIX = `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}`;
const LOAD_BALANCER_ARN = `${ELB_ARN_PREFIX}:loadbalancer/app/web-alb/50dc6c495c0c9188`;
const LISTENER_HTTPS_ARN = `${ELB_ARN_PREFIX}:listener/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2`;
const LISTENER_HTTP_ARN = `${ELB_ARN_PREFIX}:listener/app/web-alb/50dc6c495c0c9188/0467ef3c8400ae65`;
const RULE_ARN = `${ELB_ARN_PREFIX}:listener-rule/app/web-alb/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const TARGET_GROUP_BLUE_ARN = `${ELB_ARN_PREFIX}:targetgroup/web-blue/73e2d6bc24d8a067`;
const TARGET_GROUP_GREEN_ARN = `${ELB_ARN_PREFIX}:targetgroup/web-green/943f017f100becff`;

const DESCRIBE_IMAGES_INPUT = {
  Owners: ["self", "amazon"],
  Filters: [
    { Name: "name", Values: ["web-*"] },
    { Name: "tag:Version", Values: ["1.2.3", "1.2.4"] },
    { Name: "state", Values: ["available"] },
  ],
  IncludeDeprecated: false,
  MaxResults: 100,
};

/** The operations, in output order. `variant` names the credentials used. */
const OPERATIONS = [
  { name: "DescribeImages", service: "ec2", command: DescribeImagesCommand, input: DESCRIBE_IMAGES_INPUT },
  {
    name: "DescribeImages.NextToken",
    service: "ec2",
    command: DescribeImagesCommand,
    input: { ...DESCRIBE_IMAGES_INPUT, NextToken: "token-page-2" },
  },
  {
    name: "DescribeImages.SessionToken",
    service: "ec2",
    command: DescribeImagesCommand,
    input: DESCRIBE_IMAGES_INPUT,
    credentials: SESSION_CREDENTIALS,
  },
  {
    name: "DescribeListeners.LoadBalancerArn",
    service: "elasticloadbalancing",
    command: DescribeListenersCommand,
    input: { LoadBalancerArn: LOAD_BALANCER_ARN },
  },
  {
    name: "DescribeListeners.ListenerArns",
    service: "elasticloadbalancing",
    command: DescribeListenersCommand,
    input: { ListenerArns: [LISTENER_HTTPS_ARN, LISTENER_HTTP_ARN] },
  },
  {
    name: "DescribeRules",
    service: "elasticloadbalancing",
    command: DescribeRulesCommand,
    input: { ListenerArn: LISTENER_HTTPS_ARN },
  },
  {
    name: "ModifyListener",
    service: "elasticloadbalancing",
    command: ModifyListenerCommand,
    input: {
      ListenerArn: LISTENER_HTTPS_ARN,
      DefaultActions: [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: TARGET_GROUP_BLUE_ARN, Weight: 90 },
              { TargetGroupArn: TARGET_GROUP_GREEN_ARN, Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ],
    },
  },
  {
    name: "ModifyRule",
    service: "elasticloadbalancing",
    command: ModifyRuleCommand,
    input: {
      RuleArn: RULE_ARN,
      Conditions: [
        { Field: "path-pattern", PathPatternConfig: { Values: ["/api/*"] } },
        { Field: "host-header", HostHeaderConfig: { Values: ["example.com"] } },
      ],
      Actions: [{ Type: "forward", TargetGroupArn: TARGET_GROUP_GREEN_ARN, Order: 1 }],
    },
  },
  {
    name: "DescribeTargetGroups",
    service: "elasticloadbalancing",
    command: DescribeTargetGroupsCommand,
    input: { LoadBalancerArn: LOAD_BALANCER_ARN },
  },
  {
    name: "DescribeTargetHealth",
    service: "elasticloadbalancing",
    command: DescribeTargetHealthCommand,
    input: { TargetGroupArn: TARGET_GROUP_BLUE_ARN },
  },
  {
    name: "DescribeLoadBalancers",
    service: "elasticloadbalancing",
    command: DescribeLoadBalancersCommand,
    input: { Names: ["web-alb"] },
  },
];

// ---------------------------------------------------------------------------------------------
// Hermetic environment: nothing outside this script may influence the requests.
// ---------------------------------------------------------------------------------------------

function isolateFromEnvironment() {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith("AWS_")) delete process.env[key];
  }
  const missing = "/nonexistent/spot-deploy-reference-requests";
  process.env.AWS_CONFIG_FILE = `${missing}/config`;
  process.env.AWS_SHARED_CREDENTIALS_FILE = `${missing}/credentials`;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
}

// ---------------------------------------------------------------------------------------------
// Fixed clock: the SDK's own SignatureV4, always signing at FIXED_SIGNING_DATE.
// ---------------------------------------------------------------------------------------------

class FixedClockSigner {
  /** @param {{ credentials: object, service: string }} options */
  constructor({ credentials, service }) {
    // Same constructor arguments the SDK's default signer provider uses (sha256 and
    // uriEscapePath included); region/service here are only fallbacks, since the SDK passes
    // signingRegion and signingService resolved from the endpoint's auth scheme on every call.
    this.inner = new SignatureV4({ credentials, region: REGION, service, sha256: Sha256, uriEscapePath: true });
  }

  sign(request, options = {}) {
    return this.inner.sign(request, { ...options, signingDate: FIXED_SIGNING_DATE });
  }

  presign(request, options = {}) {
    return this.inner.presign(request, { ...options, signingDate: FIXED_SIGNING_DATE });
  }
}

// ---------------------------------------------------------------------------------------------
// Capturing request handler: records the final signed request and fakes a 200 response.
// ---------------------------------------------------------------------------------------------

const XML_NAMESPACES = {
  ec2: "http://ec2.amazonaws.com/doc/2016-11-15/",
  elasticloadbalancing: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
};
const FAKE_REQUEST_ID = "00000000-0000-4000-8000-000000000000";

function bodyToString(body) {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  throw new Error(`unexpected request body type: ${Object.prototype.toString.call(body)}`);
}

function fakeResponseXml(service, action) {
  const ns = XML_NAMESPACES[service];
  if (service === "ec2") {
    return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><requestId>${FAKE_REQUEST_ID}</requestId></${action}Response>`;
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${ns}"><${action}Result></${action}Result>` +
    `<ResponseMetadata><RequestId>${FAKE_REQUEST_ID}</RequestId></ResponseMetadata></${action}Response>`
  );
}

class CapturingRequestHandler {
  constructor(service) {
    this.service = service;
    this.captured = [];
    this.metadata = { handlerProtocol: "http/1.1" };
  }

  async handle(request) {
    const body = bodyToString(request.body);
    this.captured.push({
      method: request.method,
      protocol: request.protocol,
      hostname: request.hostname,
      port: request.port,
      path: request.path,
      query: { ...(request.query ?? {}) },
      headers: { ...request.headers },
      body,
    });
    const action = new URLSearchParams(body).get("Action") ?? "Unknown";
    const xml = Buffer.from(fakeResponseXml(this.service, action), "utf8");
    // No Date header on purpose: the SDK would otherwise sample clock skew from it.
    return {
      response: {
        statusCode: 200,
        reason: "OK",
        headers: { "content-type": "text/xml;charset=UTF-8", "content-length": String(xml.length) },
        body: Readable.from([xml]),
      },
    };
  }

  updateHttpClientConfig() {}

  httpHandlerConfigs() {
    return {};
  }

  destroy() {}
}

// ---------------------------------------------------------------------------------------------
// Deterministic amz-sdk-invocation-id (the SDK's retry middleware sets a random UUIDv4).
// ---------------------------------------------------------------------------------------------

function fixedInvocationId(index) {
  return `00000000-0000-4000-8000-${(index + 1).toString(16).padStart(12, "0")}`;
}

function addFixedInvocationIdMiddleware(client, invocationId) {
  client.middlewareStack.addRelativeTo(
    (next) => async (args) => {
      const headers = args.request?.headers;
      if (headers && "amz-sdk-invocation-id" in headers) headers["amz-sdk-invocation-id"] = invocationId;
      return next(args);
    },
    {
      name: "fixedInvocationIdMiddleware",
      relation: "before",
      toMiddleware: "httpSigningMiddleware",
      override: true,
    },
  );
}

// ---------------------------------------------------------------------------------------------
// Running the operations
// ---------------------------------------------------------------------------------------------

function createClient(service, credentials, handler) {
  const ClientClass = service === "ec2" ? EC2Client : ElasticLoadBalancingV2Client;
  return new ClientClass({
    region: REGION,
    credentials,
    signer: new FixedClockSigner({ credentials, service }),
    requestHandler: handler,
    maxAttempts: 1,
    retryMode: "standard",
    useFipsEndpoint: false,
    useDualstackEndpoint: false,
    ignoreConfiguredEndpointUrls: true,
    defaultsMode: "legacy",
    disableClockSkewCorrection: true,
  });
}

/** Decodes an application/x-www-form-urlencoded body into ordered [key, value] pairs. */
export function parseForm(body) {
  if (body === "") return [];
  const decode = (s) => decodeURIComponent(s.replace(/\+/g, " "));
  return body.split("&").map((pair) => {
    const eq = pair.indexOf("=");
    return eq < 0 ? [decode(pair), ""] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
  });
}

function sortedHeaders(headers) {
  const out = {};
  for (const name of Object.keys(headers).map((h) => h.toLowerCase()).sort()) {
    const value = Object.entries(headers).find(([k]) => k.toLowerCase() === name)[1];
    out[name] = value;
  }
  return out;
}

async function run() {
  isolateFromEnvironment();
  const results = [];
  for (const [index, op] of OPERATIONS.entries()) {
    // A fresh copy per client: the SDK annotates the credentials object it is given.
    const credentials = { ...(op.credentials ?? CREDENTIALS) };
    const handler = new CapturingRequestHandler(op.service);
    const client = createClient(op.service, credentials, handler);
    addFixedInvocationIdMiddleware(client, fixedInvocationId(index));
    const output = await client.send(new op.command(op.input));
    client.destroy();
    if (output?.$metadata?.httpStatusCode !== 200) {
      throw new Error(`${op.name}: the SDK did not accept the fake response`);
    }
    if (handler.captured.length !== 1) {
      throw new Error(`${op.name}: expected exactly one captured request, got ${handler.captured.length}`);
    }
    const req = handler.captured[0];
    if (Object.keys(req.query).length > 0) {
      throw new Error(`${op.name}: unexpected query string ${JSON.stringify(req.query)}`);
    }
    results.push({
      name: op.name,
      service: op.service,
      region: REGION,
      method: req.method,
      protocol: req.protocol,
      hostname: req.hostname,
      path: req.path,
      headers: sortedHeaders(req.headers),
      body: req.body,
      form: parseForm(req.body),
    });
  }
  return results;
}

const results = await run();
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
