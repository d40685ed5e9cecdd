/**
 * Cross-signing, secret storage and server-side key backup behind one recovery key
 * (`SessionHandle.security`). Loaded with crypto, only when the member asks for it: the engine
 * `import()`s this module after `ensureCrypto()`.
 *
 * Setting up recovery makes (or keeps) the member's cross-signing identity, creates a new secret
 * storage key — the recovery key, shown once — stores the cross-signing keys and the backup key in
 * it, and starts a new key backup. On a new device, the recovery key unlocks secret storage: the
 * device imports the cross-signing keys (and signs itself with them), loads the backup key and
 * restores the room keys, so history sent before decrypts.
 */
import type { AuthDict, MatrixClient, MatrixError } from 'matrix-js-sdk';
import type { CryptoBackend } from 'matrix-js-sdk/lib/common-crypto/CryptoBackend.js';
import type { CryptoApi, CryptoCallbacks } from 'matrix-js-sdk/lib/crypto-api/index.js';
import { decodeRecoveryKey } from 'matrix-js-sdk/lib/crypto-api/index.js';
import type { SecretStorageKeyDescription } from 'matrix-js-sdk/lib/secret-storage.js';
import { OmniError, type RecoveryOptions, type RestoreResult, type SecurityStatus } from '../types.ts';

/**
 * Secret storage keys this session knows: the one it just created, or the one the member typed.
 * Kept in memory only. It is the client's `cryptoCallbacks`: js-sdk asks it for the key whenever it
 * reads or writes a secret.
 */
export class SecretStorageKeys implements CryptoCallbacks {
  readonly #keys = new Map<string, Uint8Array<ArrayBuffer>>();

  readonly getSecretStorageKey = ({
    keys,
  }: {
    keys: Record<string, SecretStorageKeyDescription>;
  }): Promise<[string, Uint8Array<ArrayBuffer>] | null> => {
    for (const keyId of Object.keys(keys)) {
      const key = this.#keys.get(keyId);
      if (key) return Promise.resolve([keyId, key]);
    }
    return Promise.resolve(null);
  };

  readonly cacheSecretStorageKey = (keyId: string, _info: SecretStorageKeyDescription, key: Uint8Array<ArrayBuffer>): void => {
    this.#keys.set(keyId, key);
  };

  clear(): void {
    this.#keys.clear();
  }
}

function cryptoOf(client: MatrixClient): CryptoApi {
  const crypto = client.getCrypto();
  if (!crypto) throw new OmniError('encryption-unavailable', 'Encryption is not running for this session.');
  return crypto;
}

function isMatrixError(error: unknown): error is MatrixError {
  return typeof error === 'object' && error !== null && 'httpStatus' in error && 'data' in error;
}

/** The UIA session id and stages of a 401 that asks for interactive authentication. */
function authRequest(error: unknown): { session: string; stages: string[] } | undefined {
  if (!isMatrixError(error) || error.httpStatus !== 401) return undefined;
  const data = error.data as { session?: unknown; flows?: unknown };
  if (typeof data.session !== 'string' || !Array.isArray(data.flows)) return undefined;
  const stages = (data.flows as Array<{ stages?: unknown }>).flatMap((flow) =>
    Array.isArray(flow.stages) && flow.stages.length === 1 ? flow.stages.filter((s): s is string => typeof s === 'string') : [],
  );
  return { session: data.session, stages };
}

function passwordAuth(client: MatrixClient, password: string, session: string): AuthDict {
  return { type: 'm.login.password', identifier: { type: 'm.id.user', user: client.getSafeUserId() }, password, session };
}

/**
 * Checks the member's password before anything changes. Replacing cross-signing keys needs
 * interactive auth, but js-sdk creates (and stores) the new keys on this device before it asks for
 * it, so a wrong password found there would leave the device with keys the server never accepted.
 * `/delete_devices` with an empty list needs the same interactive auth and deletes nothing.
 */
async function checkPassword(client: MatrixClient, password: string | undefined): Promise<void> {
  let request: { session: string; stages: string[] } | undefined;
  try {
    await client.deleteMultipleDevices([]);
    return;
  } catch (error) {
    request = authRequest(error);
    if (!request) throw error;
  }
  if (!password) throw new OmniError('password-required', 'Enter your password to confirm it is you.');
  if (!request.stages.includes('m.login.password')) {
    throw new OmniError('unknown', 'The homeserver asks for a confirmation step this client cannot perform.');
  }
  try {
    await client.deleteMultipleDevices([], passwordAuth(client, password, request.session));
  } catch (error) {
    if (isMatrixError(error) && (error.httpStatus === 401 || error.errcode === 'M_FORBIDDEN')) {
      throw new OmniError('sign-in-rejected', 'That password is not right.', { cause: error });
    }
    throw error;
  }
}

/** Answers the cross-signing upload's interactive auth with the member's password. */
function uploadAuth(client: MatrixClient, password: string | undefined) {
  return async (makeRequest: (auth: AuthDict | null) => Promise<void>): Promise<void> => {
    try {
      await makeRequest(null);
    } catch (error) {
      const request = authRequest(error);
      if (!request || !password) throw error;
      await makeRequest(passwordAuth(client, password, request.session));
    }
  };
}

/**
 * What `CryptoApi.isCrossSigningReady` answers: the member's own identity is trusted and its private keys are on
 * this device or in secret storage. js-sdk's own version never frees the Rust `OwnUserIdentity` it reads, and that
 * object holds the crypto store: its IndexedDB connection then outlives `stopClient()` (which closes the
 * `OlmMachine`) until the garbage collector finalizes the object, and sign-out cannot delete the store meanwhile.
 * The two calls used here free what they read.
 */
async function crossSigningReady(crypto: CryptoApi, userId: string): Promise<boolean> {
  const [identity, { privateKeysInSecretStorage, privateKeysCachedLocally: cached }] = await Promise.all([
    crypto.getUserVerificationStatus(userId),
    crypto.getCrossSigningStatus(),
  ]);
  const keysOnDevice = cached.masterKey && cached.selfSigningKey && cached.userSigningKey;
  return identity.isCrossSigningVerified() && (keysOnDevice || privateKeysInSecretStorage);
}

/** The security state of the session: plain data, for the security panel. */
export class Recovery {
  readonly #client: MatrixClient;
  readonly #keys: SecretStorageKeys;
  #restoring = false;

  constructor(client: MatrixClient) {
    if (!(client.cryptoCallbacks instanceof SecretStorageKeys)) {
      throw new Error('The client was created without SecretStorageKeys as its cryptoCallbacks.');
    }
    this.#client = client;
    this.#keys = client.cryptoCallbacks;
  }

  async status(): Promise<SecurityStatus> {
    const crypto = cryptoOf(this.#client);
    const userId = this.#client.getSafeUserId();
    const deviceId = this.#client.getDeviceId() ?? '';
    const [crossSigning, recoveryKeyStored, backupVersion, device] = await Promise.all([
      crossSigningReady(crypto, userId),
      crypto.isSecretStorageReady(),
      crypto.getActiveSessionBackupVersion(),
      crypto.getDeviceVerificationStatus(userId, deviceId),
    ]);
    return {
      crossSigning,
      backup: this.#restoring ? 'restoring' : backupVersion !== null ? 'on' : 'off',
      recoveryKeyStored,
      thisDeviceVerified: device?.crossSigningVerified ?? false,
    };
  }

  /**
   * Makes the member's first cross-signing identity (master, self-signing and user-signing keys,
   * this device signed with them) when the account has none on the server. An account that already
   * has one is left alone, whether or not this device holds its keys: the member restores or
   * verifies from the Security panel. Synapse takes a first identity without interactive auth
   * (MSC3967); elsewhere the password typed at sign-in answers it, if it is still held. Resolves to
   * whether an identity was made.
   */
  async bootstrapFirstIdentity(password: string | undefined): Promise<boolean> {
    const crypto = cryptoOf(this.#client);
    const userId = this.#client.getSafeUserId();
    if (await crypto.userHasCrossSigningKeys(userId, true)) return false;
    await crypto.bootstrapCrossSigning({
      setupNewCrossSigning: true,
      authUploadDeviceSigningKeys: async (makeRequest) => {
        try {
          await makeRequest(null);
        } catch (error) {
          const request = authRequest(error);
          if (!request || !password) throw error;
          // Another device of the member may have made the identity meanwhile: never replace it.
          if (await crypto.userHasCrossSigningKeys(userId, true)) throw error;
          await makeRequest(passwordAuth(this.#client, password, request.session));
        }
      },
    });
    return true;
  }

  /**
   * Cross-signing (kept when this device holds keys the server knows, else made anew), a new
   * recovery key and a new key backup. Refused when the account already has recovery set up that
   * this device cannot open: restore with the recovery key instead, or reset.
   */
  async setUpRecovery(options: RecoveryOptions = {}): Promise<string> {
    const crypto = cryptoOf(this.#client);
    const onServer = await crypto.userHasCrossSigningKeys(this.#client.getSafeUserId(), true);
    // Keys this device made but the server refused (an upload that needed a password) are not an identity.
    const ownKeysValid = onServer && (await crypto.getCrossSigningKeyId()) !== null;
    if (!ownKeysValid) {
      if (await this.#client.secretStorage.getDefaultKeyId()) {
        throw new OmniError(
          'recovery-exists',
          'Recovery is already set up for this account. Restore with your recovery key, or reset recovery.',
        );
      }
      // Synapse lets a first identity be uploaded without interactive auth (MSC3967).
      if (onServer) await checkPassword(this.#client, options.password);
      await crypto.bootstrapCrossSigning({
        setupNewCrossSigning: true,
        authUploadDeviceSigningKeys: uploadAuth(this.#client, options.password),
      });
    }
    return this.#newRecoveryKey(crypto, true);
  }

  /**
   * Starts over: deletes the key backups and secret storage, makes new cross-signing keys (other
   * devices and members see a new identity), a new backup and a new recovery key. For a member who
   * lost the recovery key.
   */
  async resetRecovery(options: RecoveryOptions = {}): Promise<string> {
    const crypto = cryptoOf(this.#client);
    if (await crypto.userHasCrossSigningKeys(this.#client.getSafeUserId(), true)) {
      await checkPassword(this.#client, options.password);
    }
    this.#keys.clear();
    await crypto.resetEncryption(uploadAuth(this.#client, options.password));
    return this.#newRecoveryKey(crypto, false);
  }

  /**
   * Decrypts again the loaded events that failed before the keys came. js-sdk's own retry covers
   * only events still on its pending list, and `decryptEventIfNeeded` skips events that already
   * failed (they hold an `m.bad.encrypted` clear event).
   */
  async #retryFailedDecryptions(crypto: CryptoApi): Promise<void> {
    // getCrypto() returns the Rust crypto backend, which MatrixEvent.attemptDecryption takes.
    const backend = crypto as CryptoBackend;
    const attempts: Promise<void>[] = [];
    for (const room of this.#client.getRooms()) {
      for (const event of room.getLiveTimeline().getEvents()) {
        if (event.isDecryptionFailure()) attempts.push(event.attemptDecryption(backend, { isRetry: true }).catch(() => undefined));
      }
    }
    await Promise.all(attempts);
  }

  async #newRecoveryKey(crypto: CryptoApi, newBackup: boolean): Promise<string> {
    let encoded: string | undefined;
    await crypto.bootstrapSecretStorage({
      setupNewSecretStorage: true,
      setupNewKeyBackup: newBackup,
      createSecretStorageKey: async () => {
        const key = await crypto.createRecoveryKeyFromPassphrase();
        encoded = key.encodedPrivateKey;
        return key;
      },
    });
    if (!encoded) throw new OmniError('unknown', 'No recovery key was created.');
    return encoded;
  }

  /**
   * Unlocks secret storage with the recovery key: this device imports the cross-signing keys and
   * signs itself, then restores the key backup so older messages decrypt. A key that does not open
   * the account's secret storage changes nothing.
   */
  async restoreFromRecoveryKey(recoveryKey: string): Promise<RestoreResult> {
    const crypto = cryptoOf(this.#client);
    const storage = this.#client.secretStorage;
    const keyId = await storage.getDefaultKeyId();
    const found = keyId ? await storage.getKey(keyId) : null;
    if (!keyId || !found) throw new OmniError('no-recovery', 'Recovery is not set up for this account.');
    let key: Uint8Array<ArrayBuffer>;
    try {
      key = decodeRecoveryKey(recoveryKey.trim());
    } catch (error) {
      throw new OmniError('bad-recovery-key', 'That is not a recovery key. Check it and try again.', { cause: error });
    }
    const info: SecretStorageKeyDescription = found[1];
    if (!(await storage.checkKey(key, info))) {
      throw new OmniError('bad-recovery-key', 'That recovery key does not match this account. Check it and try again.');
    }
    this.#keys.cacheSecretStorageKey(keyId, info, key);
    this.#restoring = true;
    try {
      const userId = this.#client.getSafeUserId();
      await crypto.userHasCrossSigningKeys(userId, true);
      await crypto.bootstrapCrossSigning({});
      const deviceId = this.#client.getDeviceId();
      const device = deviceId ? await crypto.getDeviceVerificationStatus(userId, deviceId) : null;
      if (deviceId && !device?.crossSigningVerified) await crypto.crossSignDevice(deviceId);
      if (!(await crypto.getKeyBackupInfo())) return { total: 0, imported: 0 };
      await crypto.loadSessionBackupPrivateKeyFromSecretStorage();
      await crypto.checkKeyBackupAndEnable();
      const { total, imported } = await crypto.restoreKeyBackup();
      await this.#retryFailedDecryptions(crypto);
      return { total, imported };
    } finally {
      this.#restoring = false;
    }
  }
}
