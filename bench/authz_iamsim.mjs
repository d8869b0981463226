// Drives @cloud-copilot/iam-simulate (installed at run time into a
// scratch folder, never committed) over an orgrail request file in JSON
// Lines: prints one decision per line, in input order, and the elapsed
// time on stderr. Usage: node authz_iamsim.mjs MODULE_DIR FILE
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [moduleDir, file] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(moduleDir), 'package.json'));
const { runSimulation } = require('@cloud-copilot/iam-simulate');

const named = (prefix, list) => (list || []).map((policy, i) => ({ name: `${prefix}${i}`, policy }));
// isFullAccess spots RCPFullAWSAccess, which iam-simulate adds to every
// RCP level itself (and refuses as input, since RCPs may only deny).
const isFullAccess = (p) => {
  const s = [].concat(p.Statement || []);
  return s.length === 1 && s[0].Effect === 'Allow' && s[0].Action === '*' && s[0].Resource === '*';
};
const levels = (prefix, list, rcp) => (list || []).map((l, i) => ({
  orgIdentifier: l.id || `${prefix}${i}`,
  policies: named(`${prefix}${i}-`, rcp ? (l.policies || []).filter((p) => !isFullAccess(p)) : l.policies),
}));

// derivedContext adds the keys AWS puts in every request's context and
// orgrail derives from the principal and resource, but iam-simulate only
// reads from the given context (see docs/authz.md, "Differential test").
function derivedContext(r) {
  const ctx = { ...(r.context || {}) };
  const has = (k) => Object.keys(ctx).some((x) => x.toLowerCase() === k.toLowerCase());
  const set = (k, v) => { if (!has(k) && v) ctx[k] = v; };
  const p = r.principal;
  if (p !== 'anonymous' && p.endsWith('.amazonaws.com')) {
    set('aws:PrincipalIsAWSService', 'true');
    set('aws:PrincipalServiceName', p);
  } else if (p !== 'anonymous') {
    const parts = p.split(':');
    const res = parts.slice(5).join(':');
    set('aws:PrincipalIsAWSService', 'false');
    set('aws:PrincipalAccount', parts[4]);
    if (res.startsWith('user/')) set('aws:username', res.split('/').pop());
    if (res.startsWith('assumed-role/')) set('aws:PrincipalArn', `arn:${parts[1]}:iam::${parts[4]}:role/${res.split('/')[1]}`);
    else set('aws:PrincipalArn', p);
  }
  set('aws:ResourceAccount', r.resource.account);
  return ctx;
}

function toSimulation(e) {
  const r = e.request;
  const principal = r.principal === 'anonymous' ? { type: 'Anonymous' } : r.principal;
  return {
    request: {
      principal,
      action: r.action,
      resource: { resource: r.resource.arn, accountId: r.resource.account },
      contextVariables: derivedContext(r),
    },
    identityPolicies: named('identity', e.identityPolicies),
    serviceControlPolicies: levels('scp', e.serviceControlPolicies, false),
    resourceControlPolicies: levels('rcp', e.resourceControlPolicies, true),
    resourcePolicy: e.resourcePolicy || undefined,
    permissionBoundaryPolicies: e.permissionBoundaries ? named('boundary', e.permissionBoundaries) : undefined,
    sessionPolicy: e.sessionPolicy || undefined,
    vpcEndpointPolicies: e.endpointPolicies ? named('endpoint', e.endpointPolicies) : undefined,
  };
}

const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
const out = [];
const start = process.hrtime.bigint();
for (const line of lines) {
  const sim = toSimulation(JSON.parse(line));
  const res = await runSimulation(sim, { simulationMode: 'Strict' });
  if (res.resultType === 'error') {
    out.push('error: ' + JSON.stringify(res.errors));
  } else {
    out.push(res.overallResult);
  }
}
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`iam-simulate: ${lines.length} requests in ${ms.toFixed(0)} ms\n`);
