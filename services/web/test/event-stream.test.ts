import { describe, expect, it } from 'vitest';
import { readEventStream } from '../src/api/event-stream';

/** A body that arrives in the given pieces, as a network would cut it. */
function bodyOf(pieces: readonly (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const piece of pieces) controller.enqueue(typeof piece === 'string' ? encoder.encode(piece) : piece);
      controller.close();
    },
  });
}

async function eventsOf(pieces: readonly (string | Uint8Array)[]) {
  const events = [];
  for await (const event of readEventStream(bodyOf(pieces))) events.push(event);
  return events;
}

describe('readEventStream', () => {
  it('reads named events whose blocks are cut across chunks', async () => {
    const events = await eventsOf([
      'event: citations\nda',
      'ta: {"citations":[]}\n',
      '\nevent: claim\ndata: {"text":"a"}\n\n',
    ]);
    expect(events).toEqual([
      { event: 'citations', data: '{"citations":[]}' },
      { event: 'claim', data: '{"text":"a"}' },
    ]);
  });

  it('keeps a multi-byte letter split between two chunks', async () => {
    const bytes = new TextEncoder().encode('event: claim\ndata: {"text":"Está"}\n\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const events = await eventsOf([bytes.slice(0, cut), bytes.slice(cut)]);
    expect(events).toEqual([{ event: 'claim', data: '{"text":"Está"}' }]);
  });

  it('joins data lines, skips comments, names an unnamed event "message" and reads a last block without its blank line', async () => {
    const events = await eventsOf([': keep-alive\n\ndata: uno\ndata: dos\r\n\r\nevent: answer\r\ndata: fin']);
    expect(events).toEqual([
      { event: 'message', data: 'uno\ndos' },
      { event: 'answer', data: 'fin' },
    ]);
  });
});
