/**
 * The naive way: matrix-js-sdk with its defaults — log in, `startClient()` with no filter, wait for the
 * first sync, render the room's live timeline.
 */
import { ClientEvent, createClient, EventType, RoomEvent, type MatrixEvent } from 'matrix-js-sdk';
import { params, report, whenPainted } from './measure.ts';

report(async () => {
  const { homeserver, username, password, roomId, marker } = params();
  const app = document.getElementById('app');
  if (!app) throw new Error('no #app');
  const login = await createClient({ baseUrl: homeserver }).loginRequest({
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: username },
    password,
  });
  const client = createClient({ baseUrl: homeserver, accessToken: login.access_token, userId: login.user_id, deviceId: login.device_id });
  const show = (event: MatrixEvent): void => {
    if (event.getType() !== (EventType.RoomMessage as string)) return;
    const line = document.createElement('p');
    const content = event.getContent<{ body?: unknown }>();
    line.textContent = `${event.getSender() ?? ''}: ${typeof content.body === 'string' ? content.body : ''}`;
    app.append(line);
  };
  let shown = false;
  client.on(ClientEvent.Sync, () => {
    if (shown || !client.isInitialSyncComplete()) return;
    shown = true;
    for (const event of client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? []) show(event);
  });
  client.on(RoomEvent.Timeline, (event, room, toStartOfTimeline) => {
    if (shown && room?.roomId === roomId && !toStartOfTimeline) show(event);
  });
  await client.startClient();
  return whenPainted(marker, () => app.textContent);
});
