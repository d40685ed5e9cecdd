/**
 * The peer: hydrogen-view-sdk (the Hydrogen project's embeddable client), set up as its README shows —
 * Platform with the olm assets, Client, password login, RoomViewModel + TimelineView.
 * Its service worker (authenticated media; the Platform requires it) is served beside the page.
 */
import * as hydrogen from 'hydrogen-view-sdk';
import 'hydrogen-view-sdk/assets/theme-element-light.css';
import downloadSandbox from 'hydrogen-view-sdk/download-sandbox.html?url';
import worker from 'hydrogen-view-sdk/main.js?url';
import olmWasm from '@matrix-org/olm/olm.wasm?url';
import olmJs from '@matrix-org/olm/olm.js?url';
import olmLegacyJs from '@matrix-org/olm/olm_legacy.js?url';
import { params, report, whenPainted } from './measure.ts';

/** The slice of hydrogen-view-sdk's API this page uses (its published types leave most of it untyped). */
interface Waitable<T> {
  waitFor(predicate: (value: T) => boolean): { promise: Promise<T> };
}
interface HydrogenClient {
  queryLogin(homeserver: string): { result: Promise<{ password(username: string, password: string): unknown }> };
  startWithLogin(method: unknown): Promise<void>;
  loadStatus: Waitable<string> & { get(): string };
  loginFailure?: string;
  loadError?: Error;
  session: { userId: string; rooms: { get(roomId: string): unknown } };
}
interface HydrogenSdk {
  Platform: new (options: { container: HTMLElement; assetPaths: object; config: object; options: object }) => {
    init(): Promise<void>;
    setNavigation(navigation: unknown): void;
    history: unknown;
    settingsStorage: unknown;
  };
  Client: new (platform: unknown) => HydrogenClient;
  LoadStatus: Record<'Ready' | 'Error' | 'LoginFailed', string>;
  createNavigation(): unknown;
  createRouter(options: { navigation: unknown; history: unknown }): { attach(): void };
  FeatureSet: { load(storage: unknown): Promise<unknown> };
  RoomViewModel: new (options: object) => { load(): Promise<void>; timelineViewModel: unknown };
  TimelineView: new (viewModel: unknown, viewClassForTile: unknown) => { mount(): Element };
  viewClassForTile: unknown;
}

report(async () => {
  const { homeserver, username, password, roomId, marker } = params();
  const sdk = hydrogen as unknown as HydrogenSdk;
  const app = document.getElementById('app');
  if (!app) throw new Error('no #app');
  const assetPaths = {
    serviceWorker: 'sw.js',
    downloadSandbox,
    worker,
    olm: { wasm: olmWasm, legacyBundle: olmLegacyJs, wasmBundle: olmJs },
  };
  const platform = new sdk.Platform({ container: app, assetPaths, config: {}, options: { development: false } });
  const navigation = sdk.createNavigation();
  platform.setNavigation(navigation);
  await platform.init();
  const urlRouter = sdk.createRouter({ navigation, history: platform.history });
  urlRouter.attach();
  const client = new sdk.Client(platform);
  const login = await client.queryLogin(homeserver).result;
  void client.startWithLogin(login.password(username, password));
  const { Ready, Error: Failed, LoginFailed } = sdk.LoadStatus;
  await client.loadStatus.waitFor((status) => status === Ready || status === Failed || status === LoginFailed).promise;
  if (client.loginFailure) throw new Error(`login failed: ${client.loginFailure}`);
  if (client.loadError) throw client.loadError;
  const room = client.session.rooms.get(roomId);
  if (!room) throw new Error(`room ${roomId} not in the session`);
  const features = await sdk.FeatureSet.load(platform.settingsStorage);
  const vm = new sdk.RoomViewModel({ room, ownUserId: client.session.userId, platform, urlRouter, navigation, features });
  await vm.load();
  const view = new sdk.TimelineView(vm.timelineViewModel, sdk.viewClassForTile);
  app.append(view.mount());
  return whenPainted(marker, () => app.textContent);
});
