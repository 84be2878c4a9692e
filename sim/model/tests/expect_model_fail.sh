#!/bin/sh
# expect_model_fail.sh KMM_SIM SCENARIO INVARIANT: kmm-sim --model must
# fail (exit 1) naming exactly "invariant INVARIANT violated" and print
# the replay line.
sim=$1 scn=$2 inv=$3
out=$("$sim" --model "$scn" 2>&1)
rc=$?
printf '%s\n' "$out"
[ "$rc" -eq 1 ] || { echo "expected exit 1, got $rc"; exit 1; }
printf '%s\n' "$out" | grep -q "invariant $inv violated" || { echo "no 'invariant $inv violated'"; exit 1; }
printf '%s\n' "$out" | grep -q '^replay: .*--model' || { echo "no replay line with --model"; exit 1; }
exit 0
