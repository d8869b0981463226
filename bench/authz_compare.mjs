// Compares orgrail's decisions (JSON Lines from `orgrail policy simulate`)
// with iam-simulate's (one decision per line) on the same request file.
// Disagreements of a documented kind (docs/authz.md, "Known
// disagreements") are counted apart; any other fails the run.
// Usage: node authz_compare.mjs REQUESTS ORGRAIL_OUT IAMSIM_OUT
import { readFileSync } from 'node:fs';

const [reqFile, oursFile, theirsFile] = process.argv.slice(2);
const lines = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '');
const reqs = lines(reqFile).map((l) => JSON.parse(l));
const ours = lines(oursFile).map((l) => JSON.parse(l).decision);
const theirs = lines(theirsFile);
if (reqs.length !== ours.length || reqs.length !== theirs.length) {
  console.error(`length mismatch: ${reqs.length} requests, ${ours.length} orgrail, ${theirs.length} iam-simulate`);
  process.exit(2);
}

// documented returns the docs/authz.md section that explains a known
// kind of disagreement, or '' when the case shows none of them.
function documented(e) {
  const stmts = [].concat(e.resourcePolicy?.Statement || []);
  if (stmts.some((s) => s.Effect === 'Deny' && s.NotPrincipal)) {
    return 'D1 Deny with NotPrincipal must list the account';
  }
  return '';
}

const counts = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0 };
let known = 0;
const unexplained = [];
reqs.forEach((e, i) => {
  counts[ours[i]] = (counts[ours[i]] || 0) + 1;
  if (ours[i] === theirs[i]) return;
  const why = documented(e);
  if (why) {
    known++;
    return;
  }
  unexplained.push({ line: i + 1, orgrail: ours[i], iamSimulate: theirs[i], request: e });
});
console.log(`compared ${reqs.length} requests: ${JSON.stringify(counts)}`);
console.log(`agree: ${reqs.length - known - unexplained.length}, documented disagreements: ${known}, unexplained: ${unexplained.length}`);
for (const u of unexplained.slice(0, 10)) console.log(JSON.stringify(u));
process.exit(unexplained.length > 0 ? 1 : 0);
