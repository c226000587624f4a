"""Parses every vCard on stdin with python3-vobject; prints one JSON line per card (FN, N, TEL, EMAIL)."""
import json
import sys

import vobject

out = []
for card in vobject.readComponents(sys.stdin.read(), validate=False):
    card.serialize()  # vobject must be able to write back what it read
    contents = card.contents
    out.append({
        "fn": card.fn.value if "fn" in contents else None,
        "version": card.version.value,
        "tel": [t.value for t in contents.get("tel", [])],
        "email": [e.value for e in contents.get("email", [])],
        "n": [card.n.value.family, card.n.value.given] if "n" in contents else None,
    })
print(json.dumps(out, ensure_ascii=False))
