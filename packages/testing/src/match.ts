import type { MatrixEvent } from './peer.ts';

/** Functions cannot cross to the test runner, so waiting for a message matches on fields. */
export interface MessageMatch {
  sender?: string;
  body?: string;
  type?: string;
}

/** Whether an event has every field a `MessageMatch` asks for. */
export function matches(event: MatrixEvent, match: MessageMatch): boolean {
  return (
    (match.type === undefined || event.type === match.type) &&
    (match.sender === undefined || event.sender === match.sender) &&
    (match.body === undefined || event.content['body'] === match.body)
  );
}
