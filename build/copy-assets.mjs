// tsc emits only what TypeScript imports; the engine also reads JSON at run time (the report schema),
// so every *.json under electron/ is copied to the same place under dist/electron/.
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// Paths from this file, not the working directory, so the build works from any folder.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'electron');
const target = join(root, 'dist', 'electron');

async function* jsonFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsonFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.json')) yield path;
  }
}

let count = 0;
for await (const file of jsonFiles(source)) {
  const destination = join(target, relative(source, file));
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(file, destination);
  count += 1;
}
console.log(
  `copy-assets: ${count} JSON file${count === 1 ? '' : 's'} copied to ${relative(root, target) || '.'}`,
);
