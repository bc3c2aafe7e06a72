// A reader slower than any writer: takes its stdin 4 KiB at a time with a pause in between, into a file.
import { openSync, writeSync } from 'node:fs';

const out = openSync(process.argv[2], 'w');
process.stdin.on('readable', function take() {
  const chunk = process.stdin.read(4096) ?? process.stdin.read();
  if (chunk === null) return;
  writeSync(out, chunk);
  process.stdin.off('readable', take);
  setTimeout(() => {
    process.stdin.on('readable', take);
    take();
  }, 5);
});
