// Validates Spot JSON answers against the schemas of Spot's OpenAPI description.
//
// stdin: {"specRoot": ".../spot-openapi/api", "answers": [{"name", "pathFile", "method", "status", "body"}]}
//   pathFile: a file under services/elastigroup/aws/paths/ (e.g. "group.yaml"), method: get|put|post|delete
// stdout: [{"name", "valid", "errors": [...]}]; exit code 0 when every answer is valid, 1 otherwise.
//
// OpenAPI 3.0 schemas are turned into JSON Schema for ajv (nullable → type + "null"). Where the spec and
// real Spot payloads disagree, real payloads win: each such deviation is a named patch below and is
// listed in docs/emulator.md.
import fs from "node:fs";
import path from "node:path";
import $RefParser from "@apidevtools/json-schema-ref-parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const root = input.specRoot;
const pathsDir = path.join(root, "services", "elastigroup", "aws", "paths");

// Some path files reference "../../commons/parameters/…", which resolves to a folder that does not
// exist; the file meant is api/commons/parameters/… (deviation: broken $ref in the spec).
const fixedFileResolver = {
  order: 1,
  canRead: /\.ya?ml$/i,
  read(file) {
    let location = file.url.startsWith("file://") ? new URL(file.url).pathname : file.url;
    if (!fs.existsSync(location)) {
      const broken = path.join(root, "services", "elastigroup", "commons") + path.sep;
      if (location.startsWith(broken)) {
        location = path.join(root, "commons", location.slice(broken.length));
      }
    }
    return fs.readFileSync(location, "utf8");
  },
};

const cache = new Map();
async function operation(pathFile, method) {
  if (!cache.has(pathFile)) {
    cache.set(pathFile, await $RefParser.dereference(path.join(pathsDir, pathFile), { resolve: { file: fixedFileResolver } }));
  }
  return cache.get(pathFile)[method];
}

// OpenAPI 3.0 → JSON Schema: nullable, and drop keywords ajv does not know.
function toJsonSchema(node, seen = new Map()) {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, seen));
  if (node === null || typeof node !== "object") return node;
  if (seen.has(node)) return seen.get(node);
  const out = {};
  seen.set(node, out);
  for (const [key, value] of Object.entries(node)) {
    if (["example", "examples", "xml", "externalDocs", "deprecated", "discriminator", "readOnly", "writeOnly"].includes(key)) continue;
    out[key] = ["properties", "patternProperties", "definitions"].includes(key)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, seen)]))
      : toJsonSchema(value, seen);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    else if (out.enum) out.enum = [...out.enum, null];
  }
  delete out.nullable;
  return out;
}

// Deviations: real payloads win over the spec.
const patches = [
  {
    name: "strategy.persistence is an object in every real payload (the spec says array)",
    apply(schema) {
      walk(schema, (node) => {
        const p = node?.properties?.persistence;
        if (p && p.type === "array") node.properties.persistence = { type: ["object", "array"] };
      });
    },
  },
  {
    name: "create/update answers carry flat groups in items (the spec wraps them in {group: …})",
    apply(schema) {
      walk(schema, (node) => {
        if (node.type === "array" && node.items?.properties?.group && node.items.required?.includes("group")) {
          node.items = { anyOf: [node.items, node.items.properties.group] };
        }
      });
    },
  },
  {
    name: "real payloads carry other types than the spec says: strategy.onDemandCount null, scaling.up/down arrays, scaling threshold fractional (0.8), ecs.autoScale.attributes an array, scale-up newInstances an array, roll action detachedInstances an array of strings",
    apply(schema) {
      const retyped = { onDemandCount: ["integer", "string", "null"], up: ["object", "array"], down: ["object", "array"], newInstances: ["string", "array", "null"], detachedInstances: ["string", "array"], threshold: ["number", "string"], attributes: ["object", "array"] };
      walk(schema, (node) => {
        for (const [name, types] of Object.entries(retyped)) {
          const property = node.properties?.[name];
          if (property && property.type && !Array.isArray(property.type)) {
            node.properties[name] = { ...property, type: types };
            if (types.includes("array") && !property.items) node.properties[name].items = {};
          }
        }
      });
    },
  },
  {
    name: "real payloads use compute.product values outside the spec's enum (\"Linux/UNIX\") and user data that is not strict base64",
    apply(schema) {
      walk(schema, (node) => {
        if (node.properties?.product?.enum) delete node.properties.product.enum;
        if (node.properties?.userData?.format === "byte") delete node.properties.userData.format;
      });
    },
  },
  {
    name: "the list/get group item schema (items-list-group.yaml) types arrays as string/object and strings as object/boolean",
    apply(schema) {
      const arrays = new Set(["spot", "availabilityZones", "securityGroupIds", "tags", "loadBalancers", "preferredSpot", "onDemandTypes", "subnetIds", "loadBalancerNames"]);
      const strings = new Set(["product", "imageId"]);
      walk(schema, (node) => {
        for (const [name, property] of Object.entries(node.properties ?? {})) {
          if (arrays.has(name) && (property.type === "string" || property.type === "object")) node.properties[name] = { type: [property.type, "array"] };
          if (strings.has(name) && (property.type === "object" || property.type === "boolean")) node.properties[name] = { type: [property.type, "string"] };
        }
      });
    },
  },
  {
    name: "numbers and booleans may be written as strings in user documents (\"80\", \"true\")",
    apply(schema) {
      walk(schema, (node) => {
        if (node.type === "integer" || node.type === "number") node.type = [node.type, "string"];
        else if (node.type === "boolean") node.type = ["boolean", "string"];
      });
    },
  },
];

function walk(node, visit, seen = new Set()) {
  if (!node || typeof node !== "object" || seen.has(node)) return;
  seen.add(node);
  visit(node);
  for (const value of Object.values(node)) walk(value, visit, seen);
}

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map();
async function validatorFor(answer) {
  const key = `${answer.pathFile} ${answer.method} ${answer.status}`;
  if (!validators.has(key)) {
    const op = await operation(answer.pathFile, answer.method);
    const schema = op?.responses?.[String(answer.status)]?.content?.["application/json"]?.schema;
    let validate = null;
    if (schema) {
      const jsonSchema = toJsonSchema(schema);
      for (const patch of patches) patch.apply(jsonSchema, answer);
      validate = ajv.compile(jsonSchema);
    }
    validators.set(key, validate);
  }
  return validators.get(key);
}

const results = [];
for (const answer of input.answers) {
  const validate = await validatorFor(answer);
  if (!validate) {
    results.push({ name: answer.name, valid: false, errors: [`no schema for ${answer.method} ${answer.pathFile} ${answer.status}`] });
    continue;
  }
  const valid = validate(answer.body);
  results.push({ name: answer.name, valid, errors: valid ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`) });
}

process.stdout.write(JSON.stringify(results, null, 2) + "\n");
process.exitCode = results.every((r) => r.valid) ? 0 : 1;
