#!/usr/bin/env python3
"""Write the seed corpus fuzz/corpus/ for kmm-fuzz (the byte format is in
decode.h).  Two kinds of seed:

* seed-NAME: short hand-written programs that reach some deep state:
  objects of every type, derivation chains, revokes, a mapped and
  accessed frame, preemptions, ASID pools, CNode moves.  Slot choices
  assume the fuzzer's machine (4 MiB, root CNode 8 bits): ut_main is the
  14th untyped.
* scn-NAME: every scenario of scenarios/ (and scenarios/regress/),
  expanded by kmm-sim on the fuzzer's machine and encoded by
  kmm-fuzz-seed (fuzz/encode.h): its invocations, accesses, preemptions
  and checks, without its expectations and assertions.

    python3 fuzz/make_seeds.py [BUILD_DIR]   (default: build)

rewrites fuzz/corpus/seed-* and scn-*; regress-* inputs (crashes the
fuzzer found once) are kept.  BUILD_DIR is a plain build with
sim/kmm-sim and fuzz/kmm-fuzz-seed.
"""
import glob
import os
import subprocess
import sys
import tempfile
import zlib

UT_MAIN = 13              # untyped index of the 4 MiB block
LABELS = ["retype", "tcb_configure", "revoke", "delete", "cancel_badged", "copy",
          "mint", "move", "mutate", "rotate", "save_caller", "pdpt_map", "pdpt_unmap",
          "pd_map", "pd_unmap", "pt_map", "pt_unmap", "page_map", "page_unmap",
          "get_address", "make_pool", "pool_assign"]
ROOT_VSPACE = 195         # a cptr byte for the fixed slot 3 (root_vspace)
ASID_CONTROL = 196        # fixed slot 5
ROOT_CNODE_CAP = 194      # fixed slot 2
UT_MAIN_SLOT = 141        # a slot byte (128..191: untyped b % 16) for ut_main
TYPES = {"untyped": 0, "tcb": 1, "endpoint": 2, "notification": 3, "cnode": 4,
         "pdpt": 5, "pml4": 6, "huge": 7, "page": 8, "large": 9, "pt": 10, "pd": 11}


def sel(name):
    return LABELS.index(name)


def free(n):
    """The cptr byte of free slot first_free + n."""
    return n


def retype(typ, dest, size=0, count=1, ut=UT_MAIN):
    # size byte: untyped 4 + b % 19, cnode 1 + b % 9
    sb = {0: size - 4, 4: size - 1}.get(TYPES[typ], 0)
    return [sel("retype"), ut, TYPES[typ], sb, 0, 0, free(dest), count - 1, 0]


def copy(dest, src, rights=15):
    return [sel("copy"), 0, free(dest), 0, src, 0, rights, 0]


def mint(dest, src, badge):
    return [sel("mint"), 0, free(dest), 0, src, 0, 15, badge, 0]


def slot_op(name, slot):
    return [sel(name), 0, slot, 0]


def obj(n):
    """The invoked-cptr byte of free slot n for tcb and x86 labels (rotated right)."""
    return (n >> 1) | ((n & 1) << 7)


def table_map(name, obj_slot, vaddr_idx=0):
    return [sel(name), obj(obj_slot), vaddr_idx, 0, ROOT_VSPACE]


def page_map(obj_slot, vaddr_idx=0, rights=15):
    return [sel("page_map"), obj(obj_slot), vaddr_idx, rights, 0, ROOT_VSPACE]


def no_args(name, obj_slot):
    return [sel(name), obj(obj_slot)]


def write(value, size8=True):
    return [201, 0x30 if size8 else 0x00, 0, value]


def read():
    return [200, 0x30, 0]


def preempt(n):
    return [220, n - 1]


CHECK = [230]


def vm_path():
    return (retype("pdpt", 0) + retype("pd", 1) + retype("pt", 2) + retype("page", 3) +
            table_map("pdpt_map", 0) + table_map("pd_map", 1) + table_map("pt_map", 2) +
            page_map(3))


SEEDS = {
    "retype-small": retype("endpoint", 0) + retype("notification", 1) + retype("tcb", 2) +
    retype("cnode", 3, size=4) + CHECK,
    "retype-tables": retype("pdpt", 0) + retype("pml4", 1) + retype("pt", 2) +
    retype("pd", 3) + retype("page", 4) + retype("large", 5),
    "retype-untyped": retype("untyped", 0, size=16) + [sel("retype"), 64 + free(0), 2, 0, 0, 0,
                                                       free(1), 3, 0],
    "retype-count": retype("endpoint", 0, count=4) + retype("page", 8, count=4),
    "retype-full": retype("untyped", 0, size=22) + retype("endpoint", 1),
    "copy-revoke": retype("endpoint", 0) + copy(1, 0) + copy(2, 1) + mint(3, 0, 5) +
    slot_op("revoke", 0) + CHECK,
    "mint-badges": retype("notification", 0) + mint(1, 0, 1) + mint(2, 0, 2) +
    copy(3, 1) + slot_op("cancel_badged", 1) + slot_op("delete", 2),
    "move-rotate": retype("endpoint", 0) + retype("endpoint", 1) +
    [sel("move"), 0, free(2), 0, free(0), 0, 0] +
    [sel("rotate"), 0, free(3), 0, 1, free(1), 0, 2, free(2), 0, 0, 0],
    "mutate": retype("cnode", 0, size=4) + [sel("mutate"), 0, free(1), 0, free(0), 0, 3, 0],
    "delete-untyped": retype("untyped", 0, size=12) + [sel("retype"), 64 + free(0), 2, 0, 0, 0,
                                                       free(1), 1, 0] +
    slot_op("delete", 0) + CHECK,
    "revoke-untyped": retype("untyped", 0, size=14) + [sel("retype"), 64 + free(0), 8, 0, 0, 0,
                                                       free(1), 2, 0] +
    slot_op("revoke", 0) + retype("page", 5, ut=64),
    "vm-map-rw": vm_path() + write(42) + read() + no_args("get_address", 3) +
    no_args("page_unmap", 3) + read(),
    "vm-unmap-tables": vm_path() + write(7) + no_args("pt_unmap", 2) + read() +
    no_args("pd_unmap", 1) + no_args("pdpt_unmap", 0),
    "vm-revoke-frame": vm_path() + copy(4, 3) + page_map(4, 1) + read() +
    slot_op("revoke", 3) + read() + CHECK,
    "vm-delete-table": vm_path() + write(1) + slot_op("delete", 2) + read(),
    # A written frame and tables whose final caps go with ut_main's revoke:
    # the next retype from ut_main resets memory that is not zero.
    "vm-revoke-untyped": vm_path() + write(0x5a) + slot_op("revoke", UT_MAIN_SLOT),
    "vm-large": retype("pdpt", 0) + retype("pd", 1) + retype("large", 2) +
    table_map("pdpt_map", 0) + table_map("pd_map", 1) + page_map(2) + write(3) + read(),
    "asid-pool": retype("untyped", 3, size=12) + [sel("make_pool"), 0, free(1), 0, free(3), 0] +
    retype("pml4", 2) + [sel("pool_assign"), obj(1), free(2)],
    "tcb-configure": retype("tcb", 0) + retype("cnode", 1, size=4) + retype("pml4", 2) +
    [sel("tcb_configure"), obj(0), 0, 0, free(1), free(2)] + slot_op("delete", 0),
    "preempt-revoke": retype("endpoint", 0) + sum((copy(i, 0) for i in range(1, 12)), []) +
    preempt(3) + slot_op("revoke", 0) + CHECK,
    "preempt-retype": preempt(2) + retype("untyped", 0, size=20) + preempt(1) +
    [sel("retype"), 64 + free(0), 8, 0, 0, 0, free(1), 3, 0] + preempt(1) + slot_op("revoke", 0),
    "raw-truncated": [240, 3] + retype("endpoint", 0) + [248, 0, 0, 3, 1, 5, 6, 7, 194],
}


HEADER_PAD = bytes([0, 0])  # PCT depth 0, one core (decode.h)


def hand_seeds(out):
    for i, (name, ops) in enumerate(sorted(SEEDS.items())):
        data = bytes([i + 1, 0, 0, 0]) + HEADER_PAD + bytes(ops)
        with open(os.path.join(out, "seed-" + name), "wb") as f:
            f.write(data)
    return len(SEEDS)


def scenario_seeds(root, out, build):
    """scn-NAME for each scenario; returns how many were written."""
    sim = os.path.join(build, "sim", "kmm-sim")
    enc = os.path.join(build, "fuzz", "kmm-fuzz-seed")
    files = sorted(glob.glob(os.path.join(root, "scenarios", "*.kmm")) +
                   glob.glob(os.path.join(root, "scenarios", "regress", "*.kmm")))
    n = 0
    with tempfile.TemporaryDirectory() as tmp:
        blob = os.path.join(tmp, "p.blob")
        for path in files:
            name = os.path.splitext(os.path.basename(path))[0]
            # The run may fail on the small machine; the blob is written first.
            subprocess.run([sim, "-q", "--mem", "4M", "--root-bits", "8",
                            "--emit-program", blob, path],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if not os.path.exists(blob):
                print("  %s: not expanded, left out" % name)
                continue
            seed = os.path.join(out, "scn-" + name)
            # The header's seed: from the name, so adding a scenario changes no other seed.
            r = subprocess.run([enc, blob, seed, str(zlib.crc32(name.encode()))],
                               stdout=subprocess.PIPE, text=True)
            os.remove(blob)
            if r.returncode != 0 or os.path.getsize(seed) <= 6:
                print("  %s: no ops, left out" % name)
                if os.path.exists(seed):
                    os.remove(seed)
                continue
            n += 1
    return n


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build")
    out = os.path.join(root, "fuzz", "corpus")
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        if old.startswith("seed-") or old.startswith("scn-"):
            os.remove(os.path.join(out, old))
    n = hand_seeds(out)
    m = scenario_seeds(root, out, build)
    print("%d hand-written and %d scenario seeds in %s" % (n, m, out))


if __name__ == "__main__":
    main()
