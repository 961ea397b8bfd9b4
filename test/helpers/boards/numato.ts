/** A Numato USB relay board on the far end of a pty: ASCII commands, echo, reply, `>` prompt. */
import { BoardSimulator } from './simulator.js';

const index = (text: string): number | null =>
  /^[0-9]$/.test(text) ? Number(text) : /^[A-V]$/.test(text) ? text.charCodeAt(0) - 55 : null;

export class NumatoBoardSimulator extends BoardSimulator {
  constructor(path: string, channelCount = 8) {
    super(path, channelCount);
  }

  protected consume(): void {
    for (;;) {
      const end = this.buffer.indexOf(0x0d);
      if (end < 0) return;
      const line = this.buffer.subarray(0, end).toString('latin1');
      const raw = Buffer.from(this.buffer.subarray(0, end + 1));
      this.buffer = this.buffer.subarray(end + 1);
      this.handle(line, raw);
    }
  }

  private handle(line: string, raw: Buffer): void {
    const m = /^relay (on|off|read) (\S+)$/.exec(line);
    const all = /^relay (readall|writeall)(?: ([0-9a-fA-F]+))?$/.exec(line);
    const valid = !!m || !!all || line === 'ver';
    this.record(raw, valid, line);
    const mode = this.mode;
    if (mode.kind === 'silent') return;
    if (mode.kind === 'garbage') return this.send('\x00\xff#?!garbage');
    let reply = '';
    if (m) {
      const i = index(m[2]!);
      if (i === null || i >= this.channelCount) reply = 'Invalid relay number';
      else if (m[1] === 'read') reply = this.relays[i + 1] ? 'on' : 'off';
      else this.setRelay(i + 1, m[1] === 'on');
    } else if (all?.[1] === 'readall') {
      let mask = 0;
      for (let ch = 1; ch <= this.channelCount; ch++) if (this.relays[ch]) mask |= 1 << (ch - 1);
      reply = mask.toString(16).padStart(Math.ceil(this.channelCount / 4), '0');
    } else if (all?.[1] === 'writeall' && all[2]) {
      const mask = parseInt(all[2], 16);
      for (let ch = 1; ch <= this.channelCount; ch++) this.setRelay(ch, ((mask >> (ch - 1)) & 1) === 1);
    } else if (line === 'ver') reply = '00000008';
    this.send(`${line}\n\r${reply ? reply + '\n\r' : ''}>`);
  }
}
