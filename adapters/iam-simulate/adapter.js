#!/usr/bin/env node
// iamconf evaluator-protocol v1 adapter for @cloud-copilot/iam-simulate.
// Reads case lines on stdin, answers one line per case, in order (docs/evaluator-protocol.md).
// The library is installed from the npm registry at the exact version in package.json; none of
// its code is kept in this repository.
'use strict';

const readline = require('node:readline');
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const DEFAULT_ACCOUNT = '123456789012';
const DECISIONS = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'explicitDeny',
  ImplicitlyDenied: 'implicitDeny',
};

// The account of the resource (the caller is placed in the same account, so that identity
// policies alone decide, as the protocol means).
function accountOf(resource) {
  const parts = String(resource).split(':');
  return parts.length >= 6 && /^[0-9]{12}$/.test(parts[4]) ? parts[4] : DEFAULT_ACCOUNT;
}

function parsePolicy(policy, index) {
  if (typeof policy !== 'string') return policy;
  try {
    return JSON.parse(policy);
  } catch (e) {
    throw new Error(`policy ${index} is not JSON: ${e.message}`);
  }
}

function describeErrors(errors) {
  const parts = [errors.message];
  for (const [name, list] of Object.entries(errors.identityPolicyErrors || {})) {
    for (const error of list) parts.push(`${name}: ${error.message}${error.path ? ` at ${error.path}` : ''}`);
  }
  return parts.join('; ');
}

async function answer(line) {
  const c = JSON.parse(line);
  try {
    if (c.call) throw new Error('call cases are expanded by the gate, never sent');
    const account = accountOf(c.request.resource);
    const simulation = {
      request: {
        principal: `arn:aws:iam::${account}:user/iamconf`,
        action: c.request.action,
        resource: { resource: c.request.resource, accountId: account },
        contextVariables: c.request.context || {},
      },
      identityPolicies: (c.policies || []).map((p, i) => ({ name: `policy${i}`, policy: parsePolicy(p, i) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === 'error') return { id: c.id, error: describeErrors(result.errors) };
    // iam-simulate drops the context keys its catalog does not list for the action and says
    // which (`ignoredContextKeys`); deciding without them would be deciding another request.
    // A request outside the catalog may be refused (docs/semantics.md, ID-16): refuse it.
    const parts = result.resultType === 'single' ? [result.result] : result.results || [];
    const ignored = [...new Set(parts.flatMap((r) => (r && r.ignoredContextKeys) || []))];
    if (ignored.length > 0) {
      return { id: c.id, error: `context keys outside iam-simulate's catalog for the action: ${ignored.join(', ')}` };
    }
    const decision = DECISIONS[result.overallResult];
    if (!decision) return { id: c.id, error: `unknown result \`${result.overallResult}\`` };
    return { id: c.id, decision };
  } catch (e) {
    return { id: c.id, error: String((e && e.message) || e) };
  }
}

async function main() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let out;
    try {
      out = await answer(line);
    } catch (e) {
      out = { id: null, error: `not a case line: ${e.message}` };
    }
    process.stdout.write(JSON.stringify(out) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(`iam-simulate adapter: ${e.stack || e}\n`);
  process.exit(1);
});
