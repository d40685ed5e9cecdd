/**
 * What the views showing a light read have in common (`PostView` for `<omni-chat open>`, `RoomLightView`
 * for `<omni-room>`): the read-only snapshot the light read's items make, when the engine's snapshot
 * replaces it, which session states drop it, and (from sync/light-reads.ts) the page-wide count of light
 * reads that have not painted yet. Nothing here imports the engine.
 */
import type { SessionViewState } from '../session/session-view.ts';
import type { TimelineItem } from '../timeline/timeline-types.ts';
import type { RoomPermissions } from '../rooms/power-levels.ts';
import type { RoomSnapshot } from '../types.ts';

export { lightReadSettled, lightReadStarted } from './light-reads.ts';

/** What a light read shows of a room: its latest items, read-only until the engine has the room. */
export interface LightRoom {
  readonly roomId: string;
  readonly items: readonly TimelineItem[];
  readonly name?: string | undefined;
  readonly topic?: string | undefined;
  readonly alias?: string | undefined;
  readonly permissions?: RoomPermissions | undefined;
  readonly linkPreviews?: boolean | undefined;
}

const LIGHT_BASE = { encrypted: false, hasMoreBefore: false, paginating: false, typing: [], unreadCount: 0 } as const;

/** The read-only snapshot of a light read's room: ready, its composer waiting for the engine ('connecting'). */
export function lightRoomSnapshot(room: LightRoom): RoomSnapshot {
  return {
    ...LIGHT_BASE,
    status: 'ready',
    roomId: room.roomId,
    items: room.items,
    ...(room.name !== undefined ? { name: room.name } : {}),
    ...(room.topic !== undefined ? { topic: room.topic } : {}),
    ...(room.alias !== undefined ? { alias: room.alias } : {}),
    ...(room.permissions !== undefined ? { permissions: room.permissions } : {}),
    ...(room.linkPreviews !== undefined ? { linkPreviews: room.linkPreviews } : {}),
    canSend: false,
    cannotSendReason: 'connecting',
  };
}

/** The light snapshot of a post nobody wrote about yet: empty, a visitor asked to sign in to start it. */
export function absentLightSnapshot(alias: string): RoomSnapshot {
  return { ...LIGHT_BASE, status: 'absent', alias, items: [], canSend: false, cannotSendReason: 'sign-in-to-start' };
}

/**
 * Whether the engine's snapshot replaces the light read's: anything but loading, except a ready room whose
 * items have not arrived yet while the light read shows some (tiles never disappear while the engine fills).
 */
export function engineShows(snapshot: RoomSnapshot, light: RoomSnapshot | undefined): boolean {
  if (snapshot.status === 'loading') return false;
  if (snapshot.status !== 'ready') return true;
  return snapshot.items.length > 0 || light?.items.length === 0;
}

/** Whether a session state drops the light snapshot: an error, an expired session, or the engine in another tab. */
export function sessionDropsLight(state: SessionViewState): boolean {
  return state.kind === 'error' || state.kind === 'expired' || state.kind === 'elsewhere';
}
