"""Sends one m.room.message to a homeserver over federation, as another server would.

Used by test/node/federation.test.ts to prove a homeserver refuses an event whose sender belongs to a
server that did not sign it. Arguments: the origin's signing key file, the origin's server name, the
destination's server name (`localhost:<port>`), the CA file the destination's certificate chains to, the
room id, the event's `sender` and its body. Prints the destination's JSON answer to /send.

The event is built like Synapse builds one (hashes, signature with the origin's key, auth and prev events
from the destination's own /make_join template), so nothing but the sender's domain is wrong.
"""

import json
import ssl
import sys
import time
import urllib.parse
import urllib.request

from signedjson.key import read_signing_keys
from signedjson.sign import sign_json
from synapse.api.room_versions import KNOWN_ROOM_VERSIONS
from synapse.crypto.event_signing import add_hashes_and_signatures
from synapse.events import make_event_from_dict

key_file, origin, destination, ca_file, room_id, sender, body = sys.argv[1:8]
with open(key_file) as f:
    key = read_signing_keys(f)[0]
tls = ssl.create_default_context(cafile=ca_file)


def request(method, path, content=None):
    signed = {"method": method, "uri": path, "origin": origin, "destination": destination}
    if content is not None:
        signed["content"] = content
    sig = sign_json(signed, origin, key)["signatures"][origin][f"ed25519:{key.version}"]
    auth = f'X-Matrix origin="{origin}",destination="{destination}",key="ed25519:{key.version}",sig="{sig}"'
    data = None if content is None else json.dumps(content).encode()
    req = urllib.request.Request(f"https://{destination}{path}", data=data, method=method)
    req.add_header("Authorization", auth)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, context=tls, timeout=30) as res:
            return json.load(res)
    except urllib.error.HTTPError as error:
        return {"http_error": error.code, "body": error.read().decode()}


q = urllib.parse.quote
# A member of the origin asks to join: the template carries the room's current prev and auth events.
member = sys.argv[8]
versions = "&".join(f"ver={q(v)}" for v in KNOWN_ROOM_VERSIONS)
template = request("GET", f"/_matrix/federation/v1/make_join/{q(room_id)}/{q(member)}?{versions}")
if "room_version" not in template:
    sys.exit(f"make_join answered {template}")
room_version = KNOWN_ROOM_VERSIONS[template["room_version"]]
join = template["event"]
# A message needs the create event, the power levels and its sender's membership, nothing else.
auth_events = []
for event_id in join["auth_events"]:
    pdu = request("GET", f"/_matrix/federation/v1/event/{q(event_id)}")["pdus"][0]
    if pdu["type"] in ("m.room.create", "m.room.power_levels") or (
        pdu["type"] == "m.room.member" and pdu["state_key"] == sender
    ):
        auth_events.append(event_id)
if sender != member:
    state = request("GET", f"/_matrix/federation/v1/state_ids/{q(room_id)}?event_id={q(join['prev_events'][0])}")
    for event_id in state["pdu_ids"]:
        pdu = request("GET", f"/_matrix/federation/v1/event/{q(event_id)}")["pdus"][0]
        if pdu["type"] == "m.room.member" and pdu["state_key"] == sender:
            auth_events.append(event_id)
event = {
    "room_id": room_id,
    "sender": sender,
    "type": "m.room.message",
    "content": {"msgtype": "m.text", "body": body},
    "origin_server_ts": int(time.time() * 1000),
    "depth": join["depth"],
    "prev_events": join["prev_events"],
    "auth_events": auth_events,
}
add_hashes_and_signatures(room_version, event, origin, key)
event_id = make_event_from_dict(event, room_version).event_id
txn = {"origin": origin, "origin_server_ts": int(time.time() * 1000), "pdus": [event]}
answer = request("PUT", f"/_matrix/federation/v1/send/{int(time.time() * 1000)}", txn)
print(json.dumps({"event_id": event_id, "answer": answer}))
