/** The package version the engine's worker is built from: a page talks only to a worker of its own version. */
export const ENGINE_VERSION = '0.1.0';

/** The shared worker's name: tabs of two versions of the package never share one engine. */
export const SHARED_WORKER_NAME = `omni-chat-engine@${ENGINE_VERSION}`;
