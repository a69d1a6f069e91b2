#!/usr/bin/env python3
"""Verify a Malachor auditor's kit with python3's standard library and the openssl command.

Run it in the extracted kit's folder (or pass the folder):  python3 verify_kit.py [KIT_DIR]
  --cloud-key HEX     pin the cloud's Ed25519 public key (as published at /api/keys/cloud); repeat it
                      for every key the cloud has rotated through (the checkpoints they signed)
  --all-signatures    verify every bundle's signature, not only each appliance's newest one

Hashes, chain links, Merkle roots and proofs are checked here with hashlib (RFC 6962: leaf hash
SHA-256(0x00 || data), node hash SHA-256(0x01 || left || right)). Ed25519 signatures are checked by
`openssl pkeyutl -verify -rawin`, so no cryptography is written by hand. Exit status 0 when the kit
verifies; 1 with one line per problem found, each naming what broke.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
import tempfile

# DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410): what openssl reads a raw key from.
SPKI_PREFIX = bytes.fromhex("302a300506032b6570032100")
NOTE_SIG_PREFIX = "\u2014 "


class KitError(Exception):
    """A problem with the kit, in words an auditor acts on."""


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def root_of(stack):
    """Root of a tree from its perfect subtrees, largest first, folded from the right."""
    if not stack:
        return sha256(b"")
    r = stack[-1][1]
    for _, h in reversed(stack[:-1]):
        r = node_hash(h, r)
    return r


def prefix_roots(leaf_hashes, sizes):
    """The RFC 6962 root of the first n leaves, for each n in sizes, in one pass."""
    want = set(sizes)
    out = {}
    if 0 in want:
        out[0] = sha256(b"")
    stack = []
    for i, h in enumerate(leaf_hashes):
        level = 0
        while stack and stack[-1][0] == level:
            h = node_hash(stack.pop()[1], h)
            level += 1
        stack.append((level, h))
        if i + 1 in want:
            out[i + 1] = root_of(stack)
    return out


def root_from_inclusion(index, size, leaf, proof):
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to."""
    if index >= size:
        raise KitError("leaf index %d is outside a tree of %d leaves" % (index, size))
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise KitError("the inclusion proof of leaf %d is longer than the tree is deep" % index)
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn //= 2
                sn //= 2
        else:
            r = node_hash(r, p)
        fn //= 2
        sn //= 2
    if sn != 0:
        raise KitError("the inclusion proof of leaf %d is shorter than the tree is deep" % index)
    return r


def pem_of(public_key_hex):
    der = SPKI_PREFIX + bytes.fromhex(public_key_hex)
    return "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % base64.b64encode(der).decode()


class Openssl:
    """Ed25519 verification by the openssl command, one message at a time."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="verify-kit-")
        self.count = 0

    def verify(self, message, signature, public_key_hex):
        paths = [os.path.join(self.dir, n) for n in ("key.pem", "msg", "sig")]
        with open(paths[0], "w") as f:
            f.write(pem_of(public_key_hex))
        with open(paths[1], "wb") as f:
            f.write(message)
        with open(paths[2], "wb") as f:
            f.write(signature)
        self.count += 1
        run = subprocess.run(
            ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", paths[0], "-rawin",
             "-in", paths[1], "-sigfile", paths[2]],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return run.returncode == 0

    def close(self):
        for n in os.listdir(self.dir):
            os.remove(os.path.join(self.dir, n))
        os.rmdir(self.dir)


def note_key_hash(name, public_key_hex):
    return sha256(name.encode() + b"\n\x01" + bytes.fromhex(public_key_hex))[:4]


def open_checkpoint(path, text, keys, origin, openssl, signed_at=None):
    """A C2SP signed note holding a tlog checkpoint: its (size, root) once a cloud key's signature verifies
    (and, given the time it was signed, once that time lies in the key's validity window)."""
    split = text.rfind("\n\n")
    if split < 0 or not text.endswith("\n"):
        raise KitError("%s: not a signed note (no blank line before the signatures)" % path)
    body, sig_lines = text[: split + 1], text[split + 2 : -1].split("\n")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise KitError("%s: a checkpoint has at least 3 lines" % path)
    if lines[0] != origin:
        raise KitError("%s: foreign checkpoint: its origin is %r, this site's log is %r" % (path, lines[0], origin))
    if not lines[1].isdigit() or (lines[1] != "0" and lines[1].startswith("0")):
        raise KitError("%s: tree size %r is not a decimal number" % (path, lines[1]))
    root = base64.b64decode(lines[2])
    if len(root) != 32:
        raise KitError("%s: the root hash line is not the base64 of 32 bytes" % path)
    for line in sig_lines:
        if not line.startswith(NOTE_SIG_PREFIX):
            raise KitError("%s: malformed signature line %r" % (path, line[:80]))
        name, _, b64 = line[len(NOTE_SIG_PREFIX):].partition(" ")
        raw = base64.b64decode(b64)
        for k in keys:
            if name != origin or len(raw) != 68 or raw[:4] != note_key_hash(name, k["publicKey"]):
                continue
            if not openssl.verify(body.encode(), raw[4:], k["publicKey"]):
                raise KitError("%s: the signature by cloud key %s does not verify: altered or forged" % (path, k["keyId"]))
            if signed_at is not None and not in_window(signed_at, k):
                raise KitError("%s: signed at %s by cloud key %s, outside its validity window %s .. %s"
                               % (path, signed_at, k["keyId"], k.get("validFrom"), k.get("validUntil") or "now"))
            return int(lines[1]), root
    raise KitError("%s: foreign checkpoint: no signature by a cloud key of this kit (%s)"
                   % (path, ", ".join(k["keyId"] for k in keys)))


def in_window(at, key):
    """True when the ISO time `at` lies in the key's [validFrom, validUntil) window (open-ended when null)."""
    t = datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
    start = key.get("validFrom")
    end = key.get("validUntil")
    if start and t < datetime.datetime.fromisoformat(start.replace("Z", "+00:00")):
        return False
    return not end or t < datetime.datetime.fromisoformat(end.replace("Z", "+00:00"))


def read(kit, name):
    with open(os.path.join(kit, name), "rb") as f:
        return f.read()


def check_sums(kit):
    """Every file is listed in SHA256SUMS with its hash, and nothing else is in the kit."""
    listed = {}
    for line in read(kit, "SHA256SUMS").decode().splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = set()
    for root, _, files in os.walk(kit):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), kit)
            if rel != "SHA256SUMS" and not rel.endswith(".pyc"):
                present.add(rel)
    problems = []
    for name in sorted(set(listed) - present):
        problems.append("SHA256SUMS: %s is listed but missing from the kit" % name)
    for name in sorted(present - set(listed)):
        problems.append("SHA256SUMS: %s is in the kit but not listed" % name)
    for name in sorted(set(listed) & present):
        if hashlib.sha256(read(kit, name)).hexdigest() != listed[name]:
            problems.append("SHA256SUMS: %s does not match its listed hash (changed after the kit was made)" % name)
    return problems


def signing_text(line, sig):
    """What a bundle's signature covers: its canonical JSON without the top-level sig member (the last one)."""
    member = ',"sig":"%s"' % sig
    at = line.rfind(member)
    return line if at < 0 else line[:at] + line[at + len(member):]


def load_bundles(kit, name):
    out = []
    for n, raw in enumerate(read(kit, name).split(b"\n")[:-1], start=1):
        try:
            b = json.loads(raw.decode("utf-8"))
            b["applianceId"], b["seq"], b["prevHash"], b["createdAt"], b["sig"], b["keyId"]
        except (ValueError, KeyError, TypeError) as e:
            raise KitError("%s line %d: not a bundle (%s)" % (name, n, e))
        out.append((b, raw, hashlib.sha256(raw).hexdigest(), "%s line %d" % (name, n)))
    return out


def verify_kit(kit, cloud_key=None, all_signatures=False):
    """Every problem found, as sentences (empty when the kit verifies), and what was checked."""
    problems = check_sums(kit)
    if problems:
        return problems, {}
    manifest = json.loads(read(kit, "manifest.json"))
    keys = json.loads(read(kit, "keys.json"))
    site, origin = manifest["siteId"], manifest["origin"]
    period_from, period_to = manifest["period"]["from"], manifest["period"]["to"]
    cloud_keys = keys["cloud"]
    if cloud_key:
        pinned = [c.lower() for c in ([cloud_key] if isinstance(cloud_key, str) else cloud_key)]
        cloud_keys = [k for k in cloud_keys if k["publicKey"] in pinned]
        if not cloud_keys:
            return ["keys.json: the pinned cloud key %s is not a cloud key of this kit" % ", ".join(pinned)], {}
    openssl = Openssl()
    try:
        return check_log(kit, manifest, keys, cloud_keys, site, origin, period_from, period_to,
                         all_signatures, openssl, problems)
    finally:
        openssl.close()


def check_log(kit, manifest, keys, cloud_keys, site, origin, period_from, period_to,
              all_signatures, openssl, problems):
    size, root = open_checkpoint("checkpoint.note", read(kit, "checkpoint.note").decode(), cloud_keys, origin, openssl,
                                 manifest["checkpoint"].get("signedAt"))
    older = []
    folder = os.path.join(kit, "checkpoints")
    for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
        path = "checkpoints/" + name
        older.append((path, open_checkpoint(path, read(kit, path).decode(), cloud_keys, origin, openssl)))
    for path, (s, _) in older:
        if s > size:
            problems.append("%s: of %d leaves, beyond the newest checkpoint's %d: the log was rolled back" % (path, s, size))
    if problems:
        return problems, {}

    # The log's leaves: every one up to the checkpoint, so the roots are recomputed, not trusted.
    leaves = {}
    hashes = []
    for n, line in enumerate(read(kit, "leaves.tsv").decode().splitlines()):
        idx, appliance, seq, bundle_hash = line.split("\t")
        if int(idx) != n:
            raise KitError("leaves.tsv line %d: leaf %s out of order" % (n + 1, idx))
        leaves[(appliance, int(seq))] = (n, bundle_hash)
        hashes.append(leaf_hash(bytes.fromhex(bundle_hash)))
    if len(hashes) != size:
        problems.append("leaves.tsv: %d leaves, but the signed checkpoint is of %d" % (len(hashes), size))
        return problems, {}
    roots = prefix_roots(hashes, [size] + [s for _, (s, _) in older])
    if roots[size] != root:
        problems.append("leaves.tsv: the leaves do not give the signed checkpoint's root: the log was altered")
        return problems, {}
    for path, (s, r) in older:
        if roots[s] != r:
            problems.append("%s: its root is not the root of the log's first %d leaves: the log forked or was rewritten" % (path, s))

    # Time-stamp tokens and .ots files carry the SHA-256 of the note they stamp verbatim (the
    # TSTInfo's messageImprint; the .ots file-hash operation): that they stamp this kit's notes is
    # checked here, their signatures and Bitcoin attestations with `openssl ts -verify` and `ots verify`.
    anchors = json.loads(read(kit, "anchors.json")) if os.path.exists(os.path.join(kit, "anchors.json")) else []
    for a in anchors:
        if sha256(read(kit, a["note"])) not in read(kit, a["file"]):
            problems.append("%s: the %s anchor does not stamp %s" % (a["file"], a["kind"], a["note"]))

    proofs = {}
    for line in read(kit, "proofs.jsonl").decode().splitlines():
        p = json.loads(line)
        proofs[(p["applianceId"], p["seq"])] = p

    period = load_bundles(kit, "bundles.jsonl")
    context = load_bundles(kit, "context.jsonl")
    by_appliance = {}
    for in_period, rows in ((True, period), (False, context)):
        for b, raw, h, where in rows:
            key = (b["applianceId"], b["seq"])
            if b.get("siteId") != site:
                problems.append("%s: bundle %s#%d belongs to site %r, not %r" % (where, key[0], key[1], b.get("siteId"), site))
            leaf = leaves.get(key)
            if leaf is None:
                problems.append("%s: bundle %s#%d is not in the signed log" % (where, key[0], key[1]))
                continue
            if leaf[1] != h:
                problems.append("%s: bundle %s#%d was tampered with: its hash is not the log's leaf %d" % (where, key[0], key[1], leaf[0]))
                continue
            inside = period_from <= b["createdAt"] < period_to
            if inside != in_period:
                problems.append("%s: bundle %s#%d (created %s) is %s the period" % (where, key[0], key[1], b["createdAt"], "inside" if inside else "outside"))
            if in_period:
                p = proofs.get(key)
                if p is None:
                    problems.append("proofs.jsonl: no inclusion proof for bundle %s#%d" % key)
                elif p["treeSize"] != size or p["leafIndex"] != leaf[0] or root_from_inclusion(
                        p["leafIndex"], p["treeSize"], hashes[leaf[0]], [bytes.fromhex(x) for x in p["proof"]]) != root:
                    problems.append("proofs.jsonl: the inclusion proof of bundle %s#%d does not lead to the checkpoint's root" % key)
            by_appliance.setdefault(key[0], {})[key[1]] = (b, raw, h, where)

    appliance_keys = {}
    for k in keys["appliances"]:
        appliance_keys[k["keyId"]] = k
    seqs_in_log = {}
    for appliance, seq in leaves:
        seqs_in_log.setdefault(appliance, set()).add(seq)
    # Retention floors: an appliance's bundles below #seq were dropped past the retention, so its
    # run starts there. A floor is the cloud's statement; the signed log still holds the dropped
    # bundles' leaves, so the hash it names must be the log's leaf for #seq - 1.
    floors = {}
    floor_lines = read(kit, "floors.jsonl").decode().splitlines() if os.path.exists(os.path.join(kit, "floors.jsonl")) else []
    for n, line in enumerate(floor_lines, start=1):
        f = json.loads(line)
        who = "floors.jsonl line %d" % n
        if f.get("type") != "malachor-retention-floor/v1" or f.get("siteId") != site \
                or not isinstance(f.get("seq"), int) or f["seq"] < 2 or f.get("applianceId") in floors:
            problems.append("%s: not a retention floor of site %s (or a second one for its appliance)" % (who, site))
            continue
        leaf = leaves.get((f["applianceId"], f["seq"] - 1))
        if leaf is None or leaf[1] != f["prevHash"]:
            problems.append("%s: appliance %s's floor says its dropped bundle #%d hashed to %s..., which is not the log's leaf for it"
                            % (who, f["applianceId"], f["seq"] - 1, str(f.get("prevHash"))[:16]))
            continue
        floors[f["applianceId"]] = f
        kept = {s for s in seqs_in_log.get(f["applianceId"], ()) if s >= f["seq"]}
        if kept:
            seqs_in_log[f["applianceId"]] = kept
        else:
            seqs_in_log.pop(f["applianceId"], None)
    retained = []
    for appliance in sorted(floors):
        f = floors[appliance]
        dropped = "bundle #1" if f["seq"] == 2 else "bundles #1\u2013#%d" % (f["seq"] - 1)
        retained.append("%s verified from #%d (%s dropped past the retention on %s)" % (appliance, f["seq"], dropped, f["droppedAt"][:10]))
    signatures = 0
    for appliance in sorted(seqs_in_log):
        rows = by_appliance.get(appliance)
        if not rows:
            problems.append("appliance %s: its evidence is in the log but missing from the kit" % appliance)
            continue
        run = sorted(rows)
        for prev, seq in zip(run, run[1:]):
            if seq != prev + 1:
                missing = prev + 1
                where = " (leaf %d of the log)" % leaves[(appliance, missing)][0] if (appliance, missing) in leaves else ""
                problems.append("appliance %s: bundle #%d is missing from the kit%s: dropped" % (appliance, missing, where))
            elif rows[seq][0]["prevHash"] != rows[prev][2]:
                problems.append("appliance %s: bundle #%d does not link to #%d" % (appliance, seq, prev))
        first, last = rows[run[0]][0], rows[run[-1]][0]
        if appliance in floors and run[0] == floors[appliance]["seq"] and first["prevHash"] != floors[appliance]["prevHash"]:
            problems.append("appliance %s: bundle #%d does not link to its retention floor" % (appliance, run[0]))
        if first["createdAt"] >= period_from and run[0] - 1 in seqs_in_log[appliance]:
            problems.append("appliance %s: bundle #%d is in the log but missing from the kit: the kit is truncated at its start" % (appliance, run[0] - 1))
        if last["createdAt"] < period_to and run[-1] + 1 in seqs_in_log[appliance]:
            problems.append("appliance %s: bundle #%d is in the log but missing from the kit: the kit is truncated at its end" % (appliance, run[-1] + 1))
        # A chain link is SHA-256 over the whole signed bundle, so the newest bundle's signature
        # covers every earlier one in the run.
        for seq in (run if all_signatures else run[-1:]):
            b, raw, _, where = rows[seq]
            k = appliance_keys.get(b["keyId"])
            if k is None or k["applianceId"] != appliance:
                problems.append("%s: bundle %s#%d is signed by key %s, not a key of appliance %s" % (where, appliance, seq, b["keyId"], appliance))
                continue
            if k["validUntil"] is not None and b["createdAt"] >= k["validUntil"]:
                problems.append("%s: bundle %s#%d was signed by key %s after it was replaced (%s)" % (where, appliance, seq, b["keyId"], k["validUntil"]))
            signatures += 1
            message = signing_text(raw.decode("utf-8"), b["sig"]).encode("utf-8")
            if not openssl.verify(message, bytes.fromhex(b["sig"]), k["publicKey"]):
                problems.append("%s: the signature of bundle %s#%d does not verify" % (where, appliance, seq))
    # Signed chain heads: each appliance's own statement that its chain reached seq N with hash H
    # at time T, signed with its identity key over the RFC 8785 form of the statement (a flat
    # object of ASCII strings and integers, which sorted compact JSON reproduces exactly).
    complete = []
    for n, line in enumerate(read(kit, "heads.jsonl").decode().splitlines(), start=1):
        env = json.loads(line)
        head = env["payload"]
        who = "heads.jsonl line %d" % n
        k = appliance_keys.get(env["keyId"])
        if head.get("type") != "malachor-chain-head/v1" or head.get("siteId") != site:
            problems.append("%s: not a chain head of site %s" % (who, site))
            continue
        if k is None or k["applianceId"] != head["applianceId"]:
            problems.append("%s: signed by key %s, not a key of appliance %s" % (who, env["keyId"], head["applianceId"]))
            continue
        message = json.dumps(head, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        signatures += 1
        if not openssl.verify(message, bytes.fromhex(env["sig"]), k["publicKey"]):
            problems.append("%s: the signature of appliance %s's chain head does not verify" % (who, head["applianceId"]))
            continue
        leaf = leaves.get((head["applianceId"], head["seq"]))
        if leaf is None or leaf[1] != head["hash"]:
            problems.append("%s: appliance %s signed its chain head #%d, which the log does not hold: the log lost or changed its evidence"
                            % (who, head["applianceId"], head["seq"]))
            continue
        complete.append("%s up to #%d, signed by it at %s" % (head["applianceId"], head["seq"], head["at"]))
    for key in by_appliance:
        if key not in seqs_in_log:
            problems.append("appliance %s: its bundles are in the kit but not in the signed log" % key)
    checked = {"complete": complete, "retained": retained, "anchors": len(anchors), "leaves": size, "bundles": len(period), "context": len(context),
               "checkpoints": 1 + len(older), "bundleSignatures": signatures, "appliances": len(seqs_in_log)}
    return problems, checked


def main():
    ap = argparse.ArgumentParser(description="Verify a Malachor auditor's kit (python3 + openssl only).")
    ap.add_argument("kit", nargs="?", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--cloud-key", action="append",
                    help="the cloud's Ed25519 public key (64 hex), pinned from a source you trust; repeat for rotated keys")
    ap.add_argument("--all-signatures", action="store_true", help="verify every bundle's signature")
    args = ap.parse_args()
    try:
        problems, checked = verify_kit(args.kit, args.cloud_key, args.all_signatures)
    except (KitError, OSError, ValueError, KeyError) as e:
        problems, checked = [str(e)], {}
    if problems:
        for p in problems:
            print("FAIL " + p)
        return 1
    manifest = json.loads(read(args.kit, "manifest.json"))
    print("OK site %s, %s to %s: %d bundles (and %d at the period's edges) of %d appliance(s) are in the log "
          "of %d leaves signed by the cloud; %d checkpoint(s) and %d bundle signature(s) verified by openssl; "
          "%d time anchor(s) stamp the kit's checkpoints"
          % (manifest["siteId"], manifest["period"]["from"], manifest["period"]["to"], checked["bundles"],
             checked["context"], checked["appliances"], checked["leaves"], checked["checkpoints"],
             checked["bundleSignatures"], checked["anchors"]))
    for c in checked["complete"]:
        print("COMPLETE log for appliance " + c)
    for r in checked["retained"]:
        print("RETAINED appliance " + r)
    if not args.cloud_key:
        print("NOTE the cloud key was taken from keys.json: pin it with --cloud-key to rule out a substituted kit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
