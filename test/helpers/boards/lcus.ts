/** An LCUS (CH340) USB relay on the far end of a pty: `A0 ch op sum`, never answers. */
import { BoardSimulator } from './simulator.js';

export class LcusBoardSimulator extends BoardSimulator {
  constructor(path: string, channelCount = 4) {
    super(path, channelCount);
  }

  protected consume(): void {
    for (;;) {
      // Resynchronise on the 0xA0 head; stray bytes are recorded as invalid frames.
      const head = this.buffer.indexOf(0xa0);
      if (head > 0) {
        this.record(this.buffer.subarray(0, head), false, 'noise');
        this.buffer = this.buffer.subarray(head);
      } else if (head < 0) {
        if (this.buffer.length > 0) this.record(this.buffer, false, 'noise');
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (this.buffer.length < 4) return;
      const frame = Buffer.from(this.buffer.subarray(0, 4));
      this.buffer = this.buffer.subarray(4);
      const [, ch, op, sum] = frame as unknown as number[];
      const valid = ((0xa0 + ch! + op!) & 0xff) === sum && (op === 0 || op === 1);
      this.record(frame, valid, `ch${ch} ${op === 1 ? 'on' : 'off'}`);
      if (valid && this.mode.kind !== 'silent') this.setRelay(ch!, op === 1);
    }
  }
}
