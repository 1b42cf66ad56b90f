/* global console, process */
// Counts the import arrows between the rooms (top-level folders) of server/src:
// `node scripts/room-arrows.mjs [-v]`. A room pair counts once however many
// files import across it; a two-way pair is two rooms that import each other.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../server/src');
const files = [];
const walk = (dir) => {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (full.endsWith('.ts')) files.push(full);
  }
};
walk(root);

const roomOf = (file) => {
  const parts = path.relative(root, file).split(path.sep);
  return parts.length > 1 ? parts[0] : '(root)';
};

const pairs = new Map();
let fileImports = 0;
for (const file of files) {
  const source = fs.readFileSync(file, 'utf8');
  for (const match of source.matchAll(/(?:import|export)[^'";]*?from\s+'(\.[^']+)'/g)) {
    const from = roomOf(file);
    const target = path.resolve(path.dirname(file), match[1]);
    // A folder import is its index.ts.
    const isFolder = fs.existsSync(target) && fs.statSync(target).isDirectory();
    const to = roomOf(isFolder ? path.join(target, 'index.ts') : `${target}.ts`);
    if (from === to) continue;
    fileImports++;
    const key = `${from} -> ${to}`;
    pairs.set(key, (pairs.get(key) ?? 0) + 1);
  }
}
const keys = [...pairs.keys()].sort();
const twoWay = keys.filter((key) => {
  const [a, b] = key.split(' -> ');
  return a < b && pairs.has(`${b} -> ${a}`);
});
console.log(
  `rooms: ${new Set(files.map(roomOf)).size}, arrows (room pairs): ${keys.length}, ` +
    `file imports across rooms: ${fileImports}, two-way pairs: ${twoWay.length}`,
);
if (process.argv.includes('-v')) {
  for (const key of keys) console.log(`  ${key} (${pairs.get(key)})`);
  console.log(`two-way: ${twoWay.map((k) => k.replace(' -> ', ' <-> ')).join(', ')}`);
}
