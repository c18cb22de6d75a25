// Checks docs/openapi.json: valid OpenAPI 3.1 (by the schema validator), plus checks of our
// own that the schema cannot express. Optionally compares its routes with a list.
//
//   node validate.mjs <path-to-openapi.json> [routes-file]
//
// routes-file: one route per line, "METHOD /pattern" (e.g. "GET /api/v1/events/{id}");
// blank lines and lines starting with # are skipped.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function usage() {
  console.error("usage: node validate.mjs <path-to-openapi.json> [routes-file]");
  process.exit(2);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, "utf-8"));
  } catch (e) {
    console.error(`openapi: cannot read ${path}: ${e.message}`);
    process.exit(1);
  }
}

// Follows a local JSON pointer ("#/components/schemas/Event"); undefined when it leads nowhere.
function resolvePointer(doc, ref) {
  if (typeof ref !== "string" || !ref.startsWith("#")) return undefined;
  if (ref === "#") return doc;
  if (!ref.startsWith("#/")) return undefined;
  let node = doc;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

// Every {"$ref": ...} anywhere in the document, with where it was found.
function collectRefs(node, where, out) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => collectRefs(item, `${where}/${i}`, out));
  } else if (node !== null && typeof node === "object") {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push({ where, ref: value });
      else collectRefs(value, `${where}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`, out);
    }
  }
  return out;
}

// A parameter, following $refs (a chain of them, not a loop).
function deref(doc, node) {
  const seen = new Set();
  while (node && typeof node === "object" && typeof node.$ref === "string") {
    if (seen.has(node.$ref)) return undefined;
    seen.add(node.$ref);
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

function ownChecks(doc) {
  const errors = [];
  const operations = [];
  const paths = doc.paths ?? {};

  // $refs: only local ones are used here, and each must lead somewhere.
  for (const { where, ref } of collectRefs(doc, "#", [])) {
    if (!ref.startsWith("#")) errors.push(`${where}: external $ref ${ref} (only local refs are allowed)`);
    else if (resolvePointer(doc, ref) === undefined) errors.push(`${where}: $ref ${ref} does not resolve`);
  }

  const operationIds = new Map();
  for (const [path, item] of Object.entries(paths)) {
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const pathLevel = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const name = `${method.toUpperCase()} ${path}`;
      operations.push({ method: method.toUpperCase(), path });

      if (typeof op.operationId !== "string" || op.operationId === "") {
        errors.push(`${name}: no operationId`);
      } else if (operationIds.has(op.operationId)) {
        errors.push(`${name}: operationId ${op.operationId} is also used by ${operationIds.get(op.operationId)}`);
      } else {
        operationIds.set(op.operationId, name);
      }

      // Path parameters: operation-level ones override path-level ones of the same name+in.
      const params = new Map();
      for (const raw of [...pathLevel, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const p = deref(doc, raw);
        if (!p || typeof p !== "object") continue; // reported as an unresolved $ref above
        params.set(`${p.in}:${p.name}`, p);
      }
      const declared = [...params.values()].filter((p) => p.in === "path").map((p) => p.name);
      for (const t of templated)
        if (!declared.includes(t)) errors.push(`${name}: {${t}} has no "in: path" parameter`);
      for (const d of declared)
        if (!templated.includes(d)) errors.push(`${name}: path parameter ${d} is not in the path`);

      const codes = Object.keys(op.responses ?? {});
      if (!codes.some((c) => /^2(\d\d|XX)$/.test(c))) errors.push(`${name}: no 2xx response`);
    }
  }
  return { errors, operations };
}

function readRoutes(file) {
  const routes = new Set();
  const errors = [];
  let content;
  try {
    content = readFileSync(file, "utf-8");
  } catch (e) {
    console.error(`openapi: cannot read ${file}: ${e.message}`);
    process.exit(1);
  }
  content
    .split(/\r?\n/)
    .forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) return;
      const m = /^([A-Za-z]+)\s+(\/\S*)$/.exec(trimmed);
      if (!m) errors.push(`${file}:${i + 1}: not "METHOD /pattern": ${trimmed}`);
      else routes.add(`${m[1].toUpperCase()} ${m[2]}`);
    });
  return { routes, errors };
}

async function main() {
  const [specPath, routesPath] = process.argv.slice(2);
  if (!specPath || process.argv.length > 4) usage();
  const doc = readJson(specPath);

  // 1. The OpenAPI 3.1 schema, by the validator package.
  const errors = [];
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  if (!result.valid) {
    for (const e of [].concat(result.errors ?? [])) {
      const params = e.params ? ` ${JSON.stringify(e.params)}` : "";
      errors.push(`schema: ${e.instancePath || "/"}: ${e.message ?? JSON.stringify(e)}${params}`);
    }
  } else if (validator.version !== "3.1") {
    errors.push(`schema: OpenAPI ${validator.version}, expected 3.1`);
  }

  // 2. Our own checks, run even when the schema failed so every problem shows at once.
  let operations = [];
  try {
    const own = ownChecks(doc);
    errors.push(...own.errors);
    operations = own.operations;
  } catch (e) {
    errors.push(`checks: could not walk the document: ${e.message}`);
  }

  if (routesPath) {
    const listed = readRoutes(routesPath);
    errors.push(...listed.errors);
    const inSpec = new Set(operations.map((o) => `${o.method} ${o.path}`));
    for (const r of [...listed.routes].sort())
      if (!inSpec.has(r)) errors.push(`missing from the spec: ${r}`);
    for (const r of [...inSpec].sort())
      if (!listed.routes.has(r)) errors.push(`in the spec but not in ${routesPath}: ${r}`);
  }

  if (errors.length) {
    console.error(`openapi: ${specPath}: ${errors.length} problem(s):`);
    for (const e of errors) console.error(`  ${e}`);
    process.exit(1);
  }
  const against = routesPath ? `, matches ${routesPath}` : "";
  console.log(`openapi: ${operations.length} operations, valid OpenAPI 3.1${against}`);
}

main().catch((e) => {
  console.error(`openapi: ${e.stack ?? e}`);
  process.exit(1);
});
