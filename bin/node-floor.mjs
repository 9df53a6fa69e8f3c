// Refuses a Node.js older than the dependency tree's real floor, in one line that says how to get a
// current one. Plain JavaScript, loaded with `--import` before tsx, so it runs on any Node.
// The floor is package.json's `engines.node` (one source of truth): testcontainers needs >= 22.22.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

/** @param {string} text e.g. "v22.13.1" or ">=22.22" @returns {number[]} */
function parts(text) {
  const match = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return match ? [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)] : [0, 0, 0];
}

/**
 * @param {string} version the running Node's version, e.g. process.version
 * @param {string} floor a ">=x.y[.z]" range, e.g. package.json engines.node
 * @returns {string | null} why this Node is refused, or null when it is new enough
 */
export function nodeFloorProblem(version, floor) {
  const have = parts(version);
  const need = parts(floor);
  for (let i = 0; i < 3; i += 1) {
    if ((have[i] ?? 0) > (need[i] ?? 0)) return null;
    if ((have[i] ?? 0) < (need[i] ?? 0))
      return `paylab needs Node.js ${floor} (this is ${version}): run \`nvm install\` in the project (it reads .nvmrc: 24), or \`npm install -g node@24\``;
  }
  return null;
}

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const problem = nodeFloorProblem(process.version, manifest.engines.node);
if (problem !== null) {
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
