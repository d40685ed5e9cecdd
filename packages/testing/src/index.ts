export { startSynapse, stopAllSynapses, synapseConfigFingerprint, DEFAULT_PASSWORD } from './synapse.ts';
export type { Homeserver, StartSynapseOptions, RegisterUserOptions } from './synapse.ts';
export { Peer, MatrixError } from './peer.ts';
export type { MatrixEvent, TestUser, CreateRoomOptions } from './peer.ts';
export { ensureSynapse, SYNAPSE_VERSION } from './venv.ts';
export { startSite, COMPANION_WELL_KNOWN } from './companion.ts';
export type { Site, SiteOptions } from './companion.ts';
export { withDirectoryLock, type DirectoryLockOptions } from './dir-lock.ts';
