#!/usr/bin/env node
// iamconf evaluator-protocol v1 adapter for pbac (npm, MIT).
// pbac answers only allowed (true) or not (false): run the gate with `--compare allowed`.
// `false` is reported as `implicitDeny`; a document pbac's schema rejects (it throws) is an error.
'use strict';

const readline = require('node:readline');
const PBAC = require('pbac');
const ZSchema = require('z-schema'); // pbac's own validator (its dependency), for the details

// pbac validates each document against its JSON schema and throws an error whose text holds
// a stack trace; the adapter validates the same way first so that the answer names the rule.
const SCHEMA = new PBAC([]).schema;
function schemaErrors(policy) {
  const validator = new ZSchema({ noExtraKeywords: true });
  if (validator.validate(policy, SCHEMA)) return null;
  const details = [];
  const walk = (errors) => {
    for (const e of errors || []) {
      if (e.inner && e.inner.length) walk(e.inner);
      else details.push(`${e.code} at ${e.path}`);
    }
  };
  walk(validator.getLastErrors());
  return `pbac schema: ${details.slice(0, 3).join('; ')}`;
}

// pbac reads a condition key `vendor:name` as `context[vendor][name]`.
function nestedContext(context) {
  const out = {};
  for (const [key, value] of Object.entries(context || {})) {
    const colon = key.indexOf(':');
    const vendor = colon < 0 ? key : key.slice(0, colon);
    const name = colon < 0 ? '' : key.slice(colon + 1);
    if (!out[vendor] || typeof out[vendor] !== 'object') out[vendor] = {};
    out[vendor][name] = value;
  }
  return out;
}

function answer(line) {
  const c = JSON.parse(line);
  try {
    const policies = (c.policies || []).map((p, i) => {
      if (typeof p !== 'string') return p;
      try {
        return JSON.parse(p);
      } catch (e) {
        throw new Error(`policy ${i} is not JSON: ${e.message}`);
      }
    });
    for (const [i, policy] of policies.entries()) {
      const problem = schemaErrors(policy);
      if (problem) return { id: c.id, error: `policy ${i}: ${problem}` };
    }
    const engine = new PBAC(policies);
    const allowed = engine.evaluate({
      action: c.request.action,
      resource: c.request.resource,
      context: nestedContext(c.request.context),
    });
    return { id: c.id, decision: allowed ? 'allowed' : 'implicitDeny' };
  } catch (e) {
    return { id: c.id, error: String((e && e.message) || e) };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let out;
  try {
    out = answer(line);
  } catch (e) {
    out = { id: null, error: `not a case line: ${e.message}` };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
});
