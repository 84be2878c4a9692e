#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build of kmm-fuzz: the same harness as
# fuzz/campaign.sh builds for AFL++, as an LLVMFuzzerTestOneInput target
# (-DKMM_FUZZ_LIBFUZZER) linked with $LIB_FUZZING_ENGINE, so any engine
# the service runs (libFuzzer, AFL++, honggfuzz) drives it.  Uses the
# service's $CC/$CFLAGS (sanitizers, coverage) for the kernel and the
# harness; glib is linked statically (the runner image has none).
#
# Outputs in $OUT: kmm-fuzz, its seed corpus kmm-fuzz_seed_corpus.zip and
# dictionary kmm-fuzz.dict (fuzz/corpus, fuzz/kmm.dict).
cd "$SRC/kmm"
bdir=${KMM_OSSFUZZ_BUILD:-build-ossfuzz}
CC="$CC" CFLAGS="$CFLAGS" meson setup "$bdir" -Dbuildtype=plain -Db_lundef=false
# Only the static libraries: the executables would need the engine's main.
ninja -C "$bdir" kernel_core/libkmm_core.a hal_sim/libhal_sim.a sim/libkmm_prog.a

inc="-Ifuzz -Isim -Ikernel_core/include -Ikernel_core -Ihal_sim -I$bdir/kernel_core"
srcs="fuzz/harness.c fuzz/decode.c fuzz/machine.c sim/run_mmu.c sim/model/*.c"
objs=
for f in $srcs; do
	o="$bdir/ossfuzz-$(echo "$f" | tr / _).o"
	$CC $CFLAGS -std=gnu11 -DKMM_FUZZ_LIBFUZZER $inc $(pkg-config --cflags glib-2.0) \
		-c "$f" -o "$o"
	objs="$objs $o"
done
$CC $CFLAGS $objs -o "$OUT/kmm-fuzz" $LIB_FUZZING_ENGINE \
	-Wl,--start-group "$bdir/sim/libkmm_prog.a" "$bdir/kernel_core/libkmm_core.a" \
	"$bdir/hal_sim/libhal_sim.a" -Wl,--end-group \
	-Wl,-Bstatic -lglib-2.0 -lpcre2-8 -Wl,-Bdynamic -lm -pthread

(cd fuzz/corpus && zip -q "$OUT/kmm-fuzz_seed_corpus.zip" *)
cp fuzz/kmm.dict "$OUT/kmm-fuzz.dict"
