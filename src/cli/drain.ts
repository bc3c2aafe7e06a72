/** A stream the process writes to, as far as draining it goes. */
type Drainable = Pick<NodeJS.WriteStream, 'write' | 'destroyed' | 'writableLength' | 'once' | 'off'>;

/**
 * Resolves once everything written so far has reached the reader — however slow it reads — or
 * the stream is gone. A pipe takes 64 KiB at once; exiting earlier silently drops the rest.
 */
export function drained(stream: Drainable): Promise<void> {
  return new Promise((done) => {
    if (stream.destroyed || stream.writableLength === 0) return done();
    const finish = () => {
      stream.off('close', finish);
      done();
    };
    stream.once('close', finish);
    // Writes complete in order: the callback of an empty write comes after every earlier byte.
    stream.write('', finish);
  });
}
