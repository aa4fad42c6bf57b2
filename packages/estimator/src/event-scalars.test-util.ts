import { scalarValue } from '@estimatorjs/summary';
import { readEvents } from '@estimatorjs/summary/node';

/** One scalar read back from an event file. */
export interface WrittenScalar {
  readonly tag: string;
  readonly value: number;
  readonly step: number;
}

/** Every scalar in the event files directly in `dir`, in file order; `tags` keeps only those. */
export async function readScalars(dir: string, tags?: readonly string[]): Promise<WrittenScalar[]> {
  const out: WrittenScalar[] = [];
  for await (const ev of readEvents(dir)) {
    for (const v of ev.summary?.value ?? []) {
      const value = scalarValue(v);
      if (value === undefined || (tags && !tags.includes(v.tag))) continue;
      out.push({ tag: v.tag, value, step: Number(ev.step) });
    }
  }
  return out;
}
