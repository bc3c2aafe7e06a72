import { closeSync, constants, openSync, readSync } from 'node:fs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Reads a named pipe up to `limit` bytes. It is opened without blocking: a blocking open waits for
 * a writer inside a system call, where no Ctrl-C or SIGTERM reaches the process. A pipe nobody
 * writes to is an error; a writer that is there but slow is waited for.
 */
export function readPipe(file: string, limit: number): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buf = Buffer.alloc(limit);
    let got = 0;
    let sawWriter = false;
    while (got < limit) {
      let n: number;
      try {
        n = readSync(fd, buf, got, limit - got, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        sawWriter = true;
        Atomics.wait(pause, 0, 0, 10);
        continue;
      }
      if (n === 0) break;
      sawWriter = true;
      got += n;
    }
    if (!sawWriter) throw new Error('it is a named pipe and nothing is writing to it');
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
