"""An independent Matrix client for interoperability tests: matrix-nio with libolm.

Driven by JSON lines on stdin, answered by JSON lines on stdout (logs go to stderr):
  {"id": 1, "cmd": "login", "homeserver": "...", "user": "@bob:x", "password": "...", "device": "NIO"}
  {"id": 2, "cmd": "join", "room": "!room:x"}
  {"id": 3, "cmd": "wait_member", "room": "!room:x", "user": "@alice:x", "timeout": 30}
  {"id": 4, "cmd": "trust", "user": "@alice:x", "device": "ABC", "timeout": 30}
                                                                   -> number of devices trusted
  {"id": 5, "cmd": "send", "room": "!room:x", "body": "hi"}        -> event id (always encrypted)
  {"id": 6, "cmd": "wait_message", "room": "!room:x", "body": "hi", "timeout": 30}
                                                                   -> {"sender", "body", "event_id", "decrypted"}
  {"id": 7, "cmd": "send_event", "room": "!room:x", "type": "m.reaction", "content": {...}}
                                                                   -> event id (encrypted as nio does: all but m.reaction)
  {"id": 8, "cmd": "redact", "room": "!room:x", "event_id": "$e", "reason": "why"}  -> redaction event id
  {"id": 9, "cmd": "wait_event", "room": "!room:x", "where": {"type": "m.reaction", "content/m.relates_to/key": "👍"},
   "timeout": 30}                                                  -> {"event": <decrypted source>, "decrypted": bool}
     ("where" keys are "/"-separated paths into the event as nio sees it, decrypted; values must be equal)
  {"id": 10, "cmd": "forward_key", "room": "!room:x", "event_id": "$e", "user": "@alice:x", "device": "ABC", "timeout": 30}
                                                                   -> {"content": <the m.forwarded_room_key content sent>, "first_index"}
     (sends `device` the Megolm session of `event_id`, which this peer decrypted, as an Olm-encrypted
      m.forwarded_room_key that nobody asked for; this peer need not trust that device, nor it this one)
  {"id": 11, "cmd": "exit"}
Answers: {"id": n, "ok": true, "result": ...} or {"id": n, "ok": false, "error": "..."}.
Run with Debian's /usr/bin/python3 (python3-matrix-nio, python3-olm). The store lives in a temp dir.
"""

import asyncio
import base64
import json
import logging
import shutil
import sys
import tempfile

from nio.crypto.attachments import decrypt_attachment
from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    KeysClaimResponse,
    LoginResponse,
    MegolmEvent,
    RoomMessageText,
    ToDeviceMessage,
    ToDeviceResponse,
)

COMMANDS = {
    "login", "join", "wait_member", "trust", "send", "wait_message", "send_event", "redact", "wait_event", "forward_key",
    "read_attachment", "send_image",
}


class Peer:
    def __init__(self):
        self.store = tempfile.mkdtemp(prefix="omni-nio-")
        self.client = None
        self.sync_task = None
        self.messages = []  # (room_id, sender, body, event_id, decrypted)
        self.events = []  # (room_id, source as nio sees it: decrypted when it could, decrypted)
        self.undecryptable = 0
        self.sessions = {}  # event id -> (sender_key, session_id) of the Megolm session that decrypted it

    async def login(self, homeserver, user, password, device):
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
        self.client = AsyncClient(homeserver, user, device_id=device, store_path=self.store, config=config)
        response = await self.client.login(password, device_name="nio interop peer")
        if not isinstance(response, LoginResponse):
            raise RuntimeError(f"login failed: {response}")
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self.client.add_event_callback(self.on_text, RoomMessageText)
        self.client.add_event_callback(self.on_undecryptable, MegolmEvent)
        self.client.add_event_callback(self.on_event, Event)
        await self.client.sync(timeout=0, full_state=True)
        self.sync_task = asyncio.ensure_future(self.client.sync_forever(timeout=1000))
        return {"user_id": self.client.user_id, "device_id": self.client.device_id}

    async def on_text(self, room, event):
        self.messages.append((room.room_id, event.sender, event.body, event.event_id, event.decrypted))

    async def on_event(self, room, event):
        source = dict(event.source)
        if getattr(event, "decrypted", False) and getattr(event, "session_id", None):
            self.sessions[event.event_id] = (event.sender_key, event.session_id)
        if getattr(event, "decrypted", False) and "type" not in source:
            source["type"] = getattr(event, "type", None)
        self.events.append((room.room_id, source, bool(getattr(event, "decrypted", False))))

    async def on_undecryptable(self, room, event):
        self.undecryptable += 1
        logging.warning("nio could not decrypt %s in %s (session %s)", event.event_id, room.room_id, event.session_id)

    async def until(self, check, timeout, what):
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = check()
            if found:
                return found
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
            await asyncio.sleep(0.1)

    async def join(self, room):
        response = await self.client.join(room)
        if not hasattr(response, "room_id"):
            raise RuntimeError(f"join failed: {response}")
        await self.until(lambda: room in self.client.rooms, 30, f"{room} in nio's sync")
        return response.room_id

    async def wait_member(self, room, user, timeout=30):
        def joined():
            r = self.client.rooms.get(room)
            return r is not None and user in r.users
        await self.until(joined, timeout, f"{user} to join {room}")
        return True

    async def trust(self, user, device=None, timeout=30):
        """Marks every device of `user` as verified, once nio knows one of them (or `device`)."""
        def devices():
            found = list(self.client.device_store.active_user_devices(user))
            return found if device is None or any(d.id == device for d in found) else []
        found = await self.until(devices, timeout, f"the devices of {user}")
        for device in found:
            self.client.verify_device(device)
        return len(found)

    async def send(self, room, body):
        # Never send in the clear: wait until nio knows the room is encrypted.
        await self.until(lambda: room in self.client.rooms and self.client.rooms[room].encrypted, 30, f"{room} to be encrypted")
        response = await self.client.room_send(
            room, "m.room.message", {"msgtype": "m.text", "body": body}, ignore_unverified_devices=True
        )
        if not hasattr(response, "event_id"):
            raise RuntimeError(f"send failed: {response}")
        return response.event_id

    async def wait_message(self, room, body, timeout=30):
        def seen():
            for room_id, sender, text, event_id, decrypted in self.messages:
                if room_id == room and text == body:
                    return {"sender": sender, "body": text, "event_id": event_id, "decrypted": decrypted}
            return None
        return await self.until(seen, timeout, f"a message {body!r} in {room}")

    async def send_event(self, room, type, content):
        await self.until(lambda: room in self.client.rooms and self.client.rooms[room].encrypted, 30, f"{room} to be encrypted")
        response = await self.client.room_send(room, type, content, ignore_unverified_devices=True)
        if not hasattr(response, "event_id"):
            raise RuntimeError(f"send failed: {response}")
        return response.event_id

    async def redact(self, room, event_id, reason=None):
        response = await self.client.room_redact(room, event_id, reason=reason)
        if not hasattr(response, "event_id"):
            raise RuntimeError(f"redact failed: {response}")
        return response.event_id

    async def wait_event(self, room, where, timeout=30):
        def lookup(source, path):
            value = source
            for part in path.split("/"):
                if not isinstance(value, dict) or part not in value:
                    return None
                value = value[part]
            return value

        def seen():
            for room_id, source, decrypted in self.events:
                if room_id == room and all(lookup(source, path) == value for path, value in where.items()):
                    return {"event": source, "decrypted": decrypted}
            return None

        return await self.until(seen, timeout, f"an event {where!r} in {room}")

    async def forward_key(self, room, event_id, user, device, timeout=30):
        """Forwards a Megolm session, unasked, as a key share answers a request: the
        `m.forwarded_room_key` content nio's `_encrypt_forwarding_key` builds (the session exported at
        its first known index), Olm-encrypted to `device` with nio's session machinery."""
        olm = self.client.olm
        sender_key, session_id = await self.until(
            lambda: self.sessions.get(event_id), timeout, f"a decrypted {event_id} (its Megolm session)"
        )
        group_session = olm.inbound_group_store.get(room, sender_key, session_id)
        if group_session is None:
            raise RuntimeError(f"no inbound session {session_id} for {room}")

        def target():
            return next((d for d in self.client.device_store.active_user_devices(user) if d.id == device), None)

        recipient = await self.until(target, timeout, f"device {device} of {user}")
        session = olm.session_store.get(recipient.curve25519)
        if session is None:
            claimed = await self.client.keys_claim({user: [device]})
            if not isinstance(claimed, KeysClaimResponse):
                raise RuntimeError(f"claiming a one-time key of {device} failed: {claimed}")
            session = olm.session_store.get(recipient.curve25519)
            if session is None:
                raise RuntimeError(f"no Olm session with {device} after claiming its one-time key")
        content = {
            "algorithm": "m.megolm.v1.aes-sha2",
            "room_id": room,
            "sender_key": group_session.sender_key,
            "session_id": group_session.id,
            "session_key": group_session.export_session(group_session.first_known_index),
            "sender_claimed_ed25519_key": group_session.ed25519,
            "forwarding_curve25519_key_chain": list(group_session.forwarding_chain),
        }
        encrypted = olm._olm_encrypt(session, recipient, "m.forwarded_room_key", content)
        response = await self.client.to_device(ToDeviceMessage("m.room.encrypted", user, device, encrypted))
        if not isinstance(response, ToDeviceResponse):
            raise RuntimeError(f"sendToDevice failed: {response}")
        return {"content": content, "first_index": group_session.first_known_index}

    async def read_attachment(self, room, filename, timeout=30):
        """Reads back an encrypted attachment as another client does: waits for the decrypted event whose
        `filename` (or `body`) is `filename`, downloads its ciphertext through authenticated media with this
        session's token (nio 0.20 only knows the unauthenticated media API), checks and decrypts it with
        nio's `decrypt_attachment`. Returns the content and the plaintext (base64)."""
        def found():
            for room_id, source, decrypted in self.events:
                content = source.get("content", {})
                if room_id == room and decrypted and filename in (content.get("filename"), content.get("body")):
                    return content
            return None

        content = await self.until(found, timeout, f"an attachment {filename!r} in {room}")
        file = content.get("file")
        if not isinstance(file, dict):
            raise RuntimeError(f"{filename} has no encrypted file: {content}")
        server, media_id = file["url"][len("mxc://"):].split("/", 1)
        url = f"{self.client.homeserver}/_matrix/client/v1/media/download/{server}/{media_id}"
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        async with self.client.client_session.get(url, headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"download failed: HTTP {response.status}")
            ciphertext = await response.read()
        plain = decrypt_attachment(ciphertext, file["key"]["k"], file["hashes"]["sha256"], file["iv"])
        return {"content": content, "data": base64.b64encode(plain).decode()}

    async def send_image(self, room, name, data, mimetype, width, height):
        """Sends an encrypted `m.image` as nio does: the bytes encrypted and uploaded by `upload(encrypt=True)`,
        the keys in `content.file`, inside a Megolm-encrypted event."""
        await self.until(lambda: room in self.client.rooms and self.client.rooms[room].encrypted, 30, f"{room} to be encrypted")
        plain = base64.b64decode(data)
        uploaded, keys = await self.client.upload(lambda *_: plain, "application/octet-stream", encrypt=True, filesize=len(plain))
        if not hasattr(uploaded, "content_uri"):
            raise RuntimeError(f"upload failed: {uploaded}")
        content = {
            "msgtype": "m.image",
            "body": name,
            "info": {"mimetype": mimetype, "size": len(plain), "w": width, "h": height},
            "file": {**keys, "url": uploaded.content_uri, "mimetype": mimetype},
        }
        response = await self.client.room_send(room, "m.room.message", content, ignore_unverified_devices=True)
        if not hasattr(response, "event_id"):
            raise RuntimeError(f"send failed: {response}")
        return response.event_id

    async def close(self):
        if self.sync_task:
            self.sync_task.cancel()
        if self.client:
            await self.client.close()
        shutil.rmtree(self.store, ignore_errors=True)


async def main():
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    peer = Peer()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

    def answer(message):
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    async def run(request):
        ident = request.get("id")
        try:
            args = {k: v for k, v in request.items() if k not in ("id", "cmd")}
            if request["cmd"] not in COMMANDS:
                raise ValueError(f"unknown command {request['cmd']}")
            handler = getattr(peer, request["cmd"])
            answer({"id": ident, "ok": True, "result": await handler(**args)})
        except Exception as error:  # every failure goes back to the caller as one line
            answer({"id": ident, "ok": False, "error": f"{type(error).__name__}: {error}"})

    tasks = set()
    while True:
        line = await reader.readline()
        if not line:
            break
        request = json.loads(line)
        if request.get("cmd") == "exit":
            answer({"id": request.get("id"), "ok": True, "result": True})
            break
        task = asyncio.ensure_future(run(request))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    for task in tasks:
        task.cancel()
    await peer.close()


if __name__ == "__main__":
    asyncio.run(main())
