/** `Dataset.getSingleElement()`: reads the only element of a one-element dataset. */
import { invalidArgument } from '../errors.js';
import { materialize } from './lazy.js';
import type { IterContext, Node } from './node.js';
import { disposeElement } from './structure.js';

/** The dataset being read: a fresh iteration of it. */
interface Readable extends Node {
  _newContext(feed: null): IterContext;
}

export async function singleElement(src: Readable): Promise<unknown> {
  const api = 'Dataset.getSingleElement()';
  const it = src._iterate(src._newContext(null));
  try {
    const first = await it.next();
    if (first.done) throw invalidArgument(`${api}: the dataset is empty. Expected exactly one element.`);
    const x = materialize(first.value);
    const second = await it.next();
    if (!second.done) {
      disposeElement(second.value);
      disposeElement(x);
      throw invalidArgument(`${api}: the dataset has more than one element. Expected exactly one (take(1) first?).`);
    }
    return x;
  } finally {
    await it.return?.();
  }
}
