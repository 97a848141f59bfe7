/** One server-sent event: its name (`message` when the server names none) and its data lines joined. */
export interface ServerSentEvent {
  event: string;
  data: string;
}

/** One event block (the lines between blank lines); comments and unknown fields are skipped, as the spec says. */
function eventOf(block: string): ServerSentEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}

/**
 * The events of a text/event-stream body as they arrive: a block is yielded once its blank line
 * came, so an event split across network chunks (or a multi-byte letter split across them) is
 * read whole.
 */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      const blocks = buffered.split(/\r\n\r\n|\n\n/);
      buffered = blocks.pop() ?? '';
      for (const block of blocks) {
        const event = eventOf(block);
        if (event) yield event;
      }
    }
    const last = eventOf(buffered + decoder.decode());
    if (last) yield last;
  } finally {
    reader.releaseLock();
  }
}
