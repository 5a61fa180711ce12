#!/usr/bin/env python3
"""Compare `jinghai decode` with pyais on real AIS files, field by field.

Usage: pyais_compare.py JINGHAI_BIN FILE...   (run through scripts/pyais-check.sh)

For each file both decoders read the same lines; their messages are matched
in order on (type, mmsi) with a small look-ahead, so a message only one side
decodes (a bad checksum we reject, a line format pyais does not know) does
not shift the rest. Every field both sides have is compared, after mapping
pyais names to ours (speed -> sog, course -> cog, status -> nav_status,
turn -> rot, ...) and pyais' raw "not available" codes to our null (see
SENTINELS). Floats compare with a tolerance.

Prints per file: messages each side, compared, agreeing %, and each field
that differs with a count and examples; then the totals. Exit status 1 when
the total agreement is below --min (default 99.9 %).
"""

import argparse
import enum
import gzip
import json
import math
import subprocess
import sys
from collections import Counter, defaultdict

from pyais.stream import IterMessages

# pyais field name -> ours, where they differ (ours follow gpsd except these).
RENAME = {
    "msg_type": "type",
    "speed": "sog",
    "course": "cog",
    "status": "nav_status",
    "turn": "rot",
    "ship_type": "shiptype",
}
# Type 5 keeps its ETA under bare names in pyais.
RENAME_ETA = {"month": "eta_month", "day": "eta_day", "hour": "eta_hour", "minute": "eta_minute"}

# Raw values ITU-R M.1371 defines as "not available" (or "default"), which
# pyais passes through and we give as null. Per field, per message type set.
POSITION_TYPES = {1, 2, 3, 4, 9, 11, 18, 19, 21, 27}
SENTINELS = {
    "lat": {91.0},
    "lon": {181.0},
    "sog": {102.3, 1023.0},
    "cog": {360.0},
    "heading": {511},
    "rot": {-128},
    "nav_status": {15},
    "shiptype": {0},
    "epfd": {0},
    "imo": {0},
    "draught": {0.0},
    "eta_month": {0},
    "eta_day": {0},
    "eta_hour": {24},
    "eta_minute": {60},
    "second": {60},
    "alt": {4095},
    "year": {0},
    "month": {0},
    "day": {0},
    "hour": {24},
    "minute": {60},
}
# Type 27 (long-range) uses its own coarser codes.
SENTINELS_27 = {"lat": {91.0}, "lon": {181.0}, "sog": {63.0}, "cog": {511.0}}

# Fields not compared: spare bits, and pyais-only derived fields.
SKIP = {"spare", "spare_1", "spare_2", "spare_3", "spare_4", "repeat_indicator"}

FLOAT_TOL = {"lat": 1.5e-6, "lon": 1.5e-6, "ne_lat": 1.5e-4, "ne_lon": 1.5e-4,
             "sw_lat": 1.5e-4, "sw_lon": 1.5e-4}


def read_lines(path):
    with open(path, "rb") as f:
        head = f.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        return [line.rstrip(b"\r\n") for line in f]


def norm_pyais_value(v):
    if isinstance(v, bytes):
        return v.hex()
    return v  # enums stay enums: `same` needs their class


# pyais gives the positions of types 17, 22 and 23 in minutes (raw / 10);
# ours are degrees.
MINUTE_FIELDS = {17: {"lat", "lon"}, 22: {"ne_lat", "ne_lon", "sw_lat", "sw_lon"},
                 23: {"ne_lat", "ne_lon", "sw_lat", "sw_lon"}}


def pyais_messages(path):
    """pyais' messages as dicts under our names; and how many it could not decode."""
    out, failed = [], 0
    for nmea in IterMessages(read_lines(path)):
        try:
            d = nmea.decode().asdict()
        except Exception:  # noqa: BLE001 - pyais raises many kinds; we count them
            failed += 1
            continue
        t = d.get("msg_type")
        m = {}
        for k, v in d.items():
            if k in SKIP or k.startswith("spare"):
                continue
            if t == 5 and k in RENAME_ETA:
                k = RENAME_ETA[k]
            k = RENAME.get(k, k)
            v = norm_pyais_value(v)
            if k in MINUTE_FIELDS.get(t, ()) and isinstance(v, float):
                v = v / 60.0
            m[k] = v
        if t == 21 and m.get("name_ext"):
            # We append the name extension to the name (ITU-R M.1371 3.3.8.2.5).
            m["name"] = (m.get("name") or "") + m.pop("name_ext")
        out.append(m)
    return out, failed


def jinghai_messages(binary, path):
    run = subprocess.run([binary, "decode", path], capture_output=True, check=True)
    return [json.loads(line) for line in run.stdout.splitlines()]


def key(m):
    # The radio (communication) state changes from report to report: with
    # it, two reports of the same vessel are not mistaken for each other.
    return (m.get("type"), m.get("mmsi"), m.get("radio") if m.get("type") in (1, 2, 3, 4, 11, 18) else None)


def align(ours, theirs, window=64):
    """Pairs (i, j) of matching messages, in order."""
    pairs, i, j = [], 0, 0
    while i < len(ours) and j < len(theirs):
        if key(ours[i]) == key(theirs[j]):
            pairs.append((i, j))
            i, j = i + 1, j + 1
            continue
        skip_theirs = next((k for k in range(1, window) if j + k < len(theirs)
                            and key(theirs[j + k]) == key(ours[i])), None)
        skip_ours = next((k for k in range(1, window) if i + k < len(ours)
                          and key(ours[i + k]) == key(theirs[j])), None)
        if skip_theirs is None and skip_ours is None:
            i, j = i + 1, j + 1
        elif skip_ours is None or (skip_theirs is not None and skip_theirs <= skip_ours):
            j += skip_theirs
        else:
            i += skip_ours
    return pairs


# Valid ranges: a pyais value outside them is one we decode as null.
VALID = {
    "lat": (-90, 90), "lon": (-180, 180), "ne_lat": (-90, 90), "sw_lat": (-90, 90),
    "ne_lon": (-180, 180), "sw_lon": (-180, 180), "heading": (0, 359), "cog": (0, 359.9),
    "sog": (0, 102.2), "hour": (0, 23), "minute": (0, 59), "second": (0, 59),
    "month": (1, 12), "day": (1, 31), "eta_month": (1, 12), "eta_day": (1, 31),
    "eta_hour": (0, 23), "eta_minute": (0, 59), "draught": (0.1, 25.5),
}
TEXT_FIELDS = {"shipname", "name", "callsign", "destination", "text", "vendorid"}


def rot_as_pyais(raw):
    """What pyais prints as `turn` for a transmitted rate-of-turn indicator."""
    if raw is None:
        return -128
    if abs(raw) in (127, 128) or raw == 0:
        return float(raw)
    return float(math.copysign(round((raw / 4.733) ** 2), raw))


def bits_of(hexstr, n=None):
    b = "".join(f"{int(c, 16):04b}" for c in hexstr)
    return b if n is None else b[:n]


def classify(field, o, t, ours, theirs):
    """None when the values agree (after mapping conventions); else the kind
    of difference: a deliberate one (documented in PYAIS.md) or "differ"."""
    msg_type = o["type"]
    if field == "rot":
        return None if rot_as_pyais(o.get("rot_raw")) == theirs else "differ"
    if isinstance(theirs, enum.Enum):
        if ours is None:
            return None if theirs.value in SENTINELS.get(field, set()) else "differ"
        if ours == theirs.value:
            return None
        if isinstance(ours, int) and ours not in {e.value for e in type(theirs)} and type(theirs)(ours) == theirs:
            return "reserved code kept (pyais folds it into its enum default)"
        return "differ"
    sentinels = (SENTINELS_27 if msg_type == 27 else SENTINELS).get(field, set())
    if field in TEXT_FIELDS and (ours or "") == (theirs or ""):
        return None
    if field == "data" and ours == "0:" and theirs is None:
        return None
    if ours is None:
        if theirs is None or theirs in sentinels:
            return None
        if field == "second" and theirs in (61, 62, 63):
            return None
        lo_hi = VALID.get(field)
        if lo_hi and isinstance(theirs, (int, float)) and not lo_hi[0] <= theirs <= lo_hi[1]:
            return "out of range: null (pyais passes the raw value)"
        if msg_type == 27 and field in ("cog", "lat", "lon"):
            return "out of range: null (pyais passes the raw value)"
        return "differ"
    if isinstance(ours, str) and isinstance(theirs, str):
        if field == "data" and ":" in ours:
            n, hexbits = ours.split(":", 1)
            if bits_of(theirs, int(n)) == bits_of(hexbits, int(n)):
                return None
            if msg_type == 26:
                # pyais reads a 16-bit app id even when the message is
                # unstructured (ITU: no app id then) and leaves the trailing
                # radio status in the data.
                ours_bits = bits_of(hexbits, int(n))
                if o.get("dac") is None:
                    ours_bits = ours_bits[16:]
                if bits_of(theirs).startswith(ours_bits):
                    return "type 26: unstructured data and radio status read per ITU"
            return "differ"
        if field in TEXT_FIELDS:
            if ours.lstrip(" ") == theirs:
                return "leading spaces kept (pyais strips them)"
            if len(theirs) == len(ours) + 1 and theirs.startswith(ours):
                return "incomplete last 6-bit character dropped (pyais pads it)"
            if msg_type == 21 and field == "name" and len(ours) < 20 and theirs.startswith(ours):
                return "type 21: no name extension after a padded name"
        return None if ours == theirs else "differ"
    if theirs is None:
        if msg_type == 26 and field == "radio":
            return "type 26: unstructured data and radio status read per ITU"
        if msg_type == 15:
            return "type 15: short message read like gpsd/libais"
        return "differ"
    if msg_type == 15 and field in ("mmsi2", "type2_1", "offset2_1", "type1_2", "offset1_2"):
        return None if ours == theirs else "type 15: short message read like gpsd/libais"
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return None if bool(ours) == bool(theirs) else "differ"
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        tol = FLOAT_TOL.get(field, 1e-4 * max(1.0, abs(theirs)))
        if math.isclose(ours, theirs, abs_tol=tol):
            return None
        if msg_type == 17 and field in ("lat", "lon") and ours < 0:
            wrap = 2 ** (17 if field == "lat" else 18) / 600.0
            if math.isclose(ours + wrap, theirs, abs_tol=1e-3):
                return "type 17: pyais reads the signed position as unsigned"
        return "differ"
    return None if ours == theirs else "differ"


def compare_file(binary, path):
    ours = jinghai_messages(binary, path)
    theirs, pyais_failed = pyais_messages(path)
    pairs = align(ours, theirs)
    diffs = Counter()
    deliberate = Counter()
    examples = defaultdict(list)
    agreeing = agreeing_but_deliberate = 0
    fields_compared = 0
    for i, j in pairs:
        o, t = ours[i], theirs[j]
        kinds = set()
        for field, tv in t.items():
            if field not in o:
                continue
            fields_compared += 1
            kind = classify(field, o, t, o[field], tv)
            if kind is None:
                continue
            kinds.add(kind)
            name = f"type {o['type']} {field}"
            if kind != "differ":
                deliberate[kind] += 1
                name = f"{name} [{kind}]"
            else:
                diffs[name] += 1
            if len(examples[name]) < 3:
                examples[name].append((o["mmsi"], o[field], tv.value if isinstance(tv, enum.Enum) else tv))
        if not kinds:
            agreeing += 1
        elif "differ" not in kinds:
            agreeing_but_deliberate += 1
    matched_theirs = {j for _, j in pairs}
    matched_ours = {i for i, _ in pairs}
    only_pyais = Counter(t.get("type") for j, t in enumerate(theirs) if j not in matched_theirs)
    only_ours = Counter(o.get("type") for i, o in enumerate(ours) if i not in matched_ours)
    return {
        "only_pyais": only_pyais,
        "only_ours": only_ours,
        "file": path,
        "ours": len(ours),
        "pyais": len(theirs),
        "pyais_failed": pyais_failed,
        "compared": len(pairs),
        "agreeing": agreeing,
        "deliberate": agreeing_but_deliberate,
        "fields": fields_compared,
        "diffs": diffs,
        "deliberate_kinds": deliberate,
        "examples": examples,
    }


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("files", nargs="+")
    ap.add_argument("--min", type=float, default=99.9, help="required total agreement, %%")
    args = ap.parse_args()
    totals = Counter()
    all_diffs = Counter()
    all_deliberate = Counter()
    for path in args.files:
        r = compare_file(args.binary, path)
        for k in ("ours", "pyais", "pyais_failed", "compared", "agreeing", "deliberate", "fields"):
            totals[k] += r[k]
        all_diffs.update(r["diffs"])
        all_deliberate.update(r["deliberate_kinds"])
        ok = r["agreeing"] + r["deliberate"]
        print(f"{path.split('/ais/')[-1]}: jinghai {r['ours']}, pyais {r['pyais']}"
              f" (+{r['pyais_failed']} it could not decode), compared {r['compared']},"
              f" identical {r['agreeing']} ({pct(r['agreeing'], r['compared']):.2f} %),"
              f" agreeing {ok} ({pct(ok, r['compared']):.2f} %, deliberate differences aside),"
              f" fields {r['fields']}")
        for side in ("only_pyais", "only_ours"):
            if r[side]:
                types = ", ".join(f"type {t}: {n}" for t, n in sorted(r[side].items(), key=str))
                print(f"    {side.replace('_', ' ')}: {sum(r[side].values())} ({types})")
        for name, ex in r["examples"].items():
            n = r["diffs"].get(name)
            label = f"{n} differ" if n else "deliberate"
            shown = "; ".join(f"mmsi {m}: ours {o!r} pyais {t!r}" for m, o, t in ex)
            print(f"    {name}: {label}, e.g. {shown}")
    ok = totals["agreeing"] + totals["deliberate"]
    agree = pct(ok, totals["compared"])
    print(f"TOTAL: jinghai {totals['ours']}, pyais {totals['pyais']}, compared {totals['compared']},"
          f" identical {totals['agreeing']} ({pct(totals['agreeing'], totals['compared']):.3f} %),"
          f" agreeing {ok} ({agree:.3f} %, deliberate differences aside);"
          f" fields compared {totals['fields']}, differing {sum(all_diffs.values())},"
          f" deliberately different {sum(all_deliberate.values())}")
    for kind, n in all_deliberate.most_common():
        print(f"    deliberate: {kind}: {n} fields")
    return 0 if agree >= args.min else 1


if __name__ == "__main__":
    sys.exit(main())
