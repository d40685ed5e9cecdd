import type { Plugin } from 'vite';
export declare const DEMO_SESSION_PATH = "/api/site-session";
export declare const DEMO_MODERATOR_TOKEN_PATH = "/api/moderator-token";
export interface DemoModerationOptions {
    readonly siteSecret: string;
    readonly members: readonly {
        readonly username: string;
        readonly displayName: string;
    }[];
    /** Usernames of the site's moderators. */
    readonly moderators: readonly string[];
}
export declare function demoModeration(options: DemoModerationOptions): Plugin;
