/**
 * How well the error-text parser and the log-line classifier read real text: the labelled set copied from
 * public issue trackers, scored field by field, with every miss listed so that the family of wording
 * behind it can be found.
 *
 *   npm run bench:text                               the half kept in the repository
 *   npm run bench:text -- --dir ../shared/real-world  any set in the same layout
 *   npm run bench:text -- --quiet                      the table only
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { figures, met, readSet } from './real-world-score.js';

const REPO_SET = fileURLToPath(new URL('../electron/engine/parsers/fixtures/real-world/', import.meta.url));

const { values } = parseArgs({
  options: { dir: { type: 'string', default: REPO_SET }, quiet: { type: 'boolean', default: false } },
});
const set = readSet(values.dir);
const { table, texts, lines, formats } = figures(set);

const pct = (right: number, of: number) => (of === 0 ? '-' : `${((100 * right) / of).toFixed(0)}%`);
console.log(
  `Real-world text: ${set.texts.length} error texts, ${set.lines.length} log lines (${values.dir})\n`,
);
console.log(`${'figure'.padEnd(26)} ${'right'.padStart(9)} ${'share'.padStart(6)}  goal`);
console.log(`${'-'.repeat(26)} ${'-'.repeat(9)} ${'-'.repeat(6)}  ${'-'.repeat(12)}`);
for (const f of table) {
  const goal = f.goal === null ? '' : `≥ ${(f.goal * 100).toFixed(0)}% ${met(f) ? 'met' : 'NOT MET'}`;
  console.log(
    `${f.name.padEnd(26)} ${`${f.right}/${f.of}`.padStart(9)} ${pct(f.right, f.of).padStart(6)}  ${goal}`,
  );
}

if (!values.quiet) {
  const short = (s: string | null, n = 70) => (s === null ? 'null' : JSON.stringify(s.slice(0, n)));
  console.log('\nError texts read wrong (label → parser):');
  for (const t of texts.filter((t) => !(t.recognised && t.client && t.phase && t.target))) {
    const wrong = [
      !t.recognised && `reset ${t.entry.is_reset} → ${t.info.isReset}`,
      !t.client && `client ${short(t.entry.client)} → ${short(t.info.client)}`,
      !t.phase && `phase ${t.entry.phase} → ${t.info.phase}`,
      !t.target && `target ${short(t.entry.target)} → ${short(t.info.target)}`,
    ].filter(Boolean);
    console.log(`  ${t.entry.id}: ${wrong.join('; ')}    ${short(t.entry.text.replace(/\s+/g, ' '), 90)}`);
  }
  console.log('\nLog lines read wrong (label → classifier):');
  for (const l of lines.filter((l) => !l.right)) {
    const wanted = l.entry.should_flag
      ? [l.entry.category, ...(l.entry.alt_categories ?? [])].join('|')
      : 'quiet';
    console.log(
      `  ${l.entry.id} (${l.entry.format}): ${wanted} → ${l.category ?? 'quiet'}    ${short(l.entry.line, 110)}`,
    );
  }
  console.log('\nLog formats (one file per group):');
  for (const f of formats.filter((f) => !f.right))
    console.log(`  ${f.group}: ${f.wanted.join('|')} → ${f.detected}`);
}
