/** Run a real broadcast through the audio supervisor and keep its events with their positions. */
import { startBroadcast, type AudioEvent, type BroadcastHandle, type BroadcastPlan, type BroadcastResult, type BroadcastSinks } from '../../src/audio/index.js';

export interface Run {
  result: BroadcastResult;
  events: Array<AudioEvent & { positionMs: number }>;
  file: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Air `plan` now, recording into `file`; `during(handle)` lets the test act while it airs. */
export async function air(
  plan: Omit<BroadcastPlan, 'sinks'> & { file: string; sinks?: BroadcastSinks },
  during?: (h: BroadcastHandle) => Promise<void>,
): Promise<Run> {
  // No startAtMs: air as soon as the pre-roll is done, for the full duration.
  const h = startBroadcast({ ...plan, sinks: { ...plan.sinks, recordFile: plan.file } });
  const events: Run['events'] = [];
  h.onEvent((e) => events.push({ ...e, positionMs: h.state().positionMs }));
  await h.preroll();
  await h.start();
  if (during) await during(h);
  const result = await h.done;
  return { result, events, file: plan.file };
}

/** Wait until the broadcast has aired `ms` of audio; returns the position reached. */
export async function until(h: BroadcastHandle, ms: number): Promise<number> {
  while (h.state().positionMs < ms && h.state().phase !== 'ended') await sleep(20);
  return h.state().positionMs;
}
