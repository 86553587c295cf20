#!/usr/bin/env bash
# Builds the libFuzzer targets into .build/fuzz/: ConvLab's library modules compiled once with
# coverage instrumentation and AddressSanitizer (-sanitize=fuzzer,address) into static
# libraries, then one executable per Fuzz/Targets/*.swift, whose main is libFuzzer's.
# SwiftPM is not used: `swift build` links every executable with its own main, which
# -sanitize=fuzzer would clash with. The SIMD micro-kernel modules are built without
# instrumentation (they take pointers the instrumented code has already bounds-checked).
# Usage: Fuzz/build.sh [TARGET...]   (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
out=.build/fuzz
mkdir -p "$out"
swiftc=${SWIFTC:-swiftc}
# -package-name: the library uses `package` access (what the CLI and tests may see, students not);
# SwiftPM passes the package name itself, swiftc needs it spelled out.
common=(-parse-as-library -O -swift-version 6 -package-name convlab -I "$out" -use-ld=lld)

newer() {  # newer OUTPUT INPUT...: true when OUTPUT is missing or older than an input
    local output=$1
    shift
    [ ! -e "$output" ] && return 0
    for input in "$@"; do [ "$input" -nt "$output" ] && return 0; done
    return 1
}

simd=(Sources/ConvLabSIMD/*.swift)
if newer "$out/libConvLabSIMD.a" "${simd[@]}"; then
    echo "fuzz build: ConvLabSIMD"
    rm -f "$out/libConvLabSIMD.a"
    "$swiftc" "${common[@]}" -module-name ConvLabSIMD -emit-module -emit-module-path "$out/ConvLabSIMD.swiftmodule" \
        -emit-library -static -o "$out/libConvLabSIMD.a" "${simd[@]}"
    avx2=()
    [ "$(uname -m)" = x86_64 ] && avx2=(-target-cpu haswell -D CONVLAB_FMA)
    "$swiftc" "${common[@]}" "${avx2[@]}" -module-name ConvLabSIMDAVX2 -emit-module \
        -emit-module-path "$out/ConvLabSIMDAVX2.swiftmodule" -emit-library -static -o "$out/libConvLabSIMDAVX2.a" \
        Sources/ConvLabSIMDAVX2/*.swift
fi

# The library's modules in dependency order (Package.swift), each instrumented and built with
# -enable-testing (the targets `@testable import` them), then the thin ConvLab that re-exports them.
modules=(ConvLabCore ConvLabFast ConvLabData ConvLabPictures ConvLabNN ConvLabCLI ConvLabAnimation ConvLabConformance
    ConvLabBenchmark ConvLabApplications ConvLab)
previous=("$out/libConvLabSIMD.a")
for module in "${modules[@]}"; do
    sources=($(find "Sources/$module" -name '*.swift' | sort))
    # Bundle.module for the modules with resources (SwiftPM generates it; here a stand-in).
    case $module in ConvLabData | ConvLabApplications) sources+=(Fuzz/Support/BundleModule.swift) ;; esac
    if newer "$out/lib$module.a" "${sources[@]}" "${previous[@]}"; then
        echo "fuzz build: $module (instrumented)"
        # Built under a temporary name and moved into place: a failed build leaves no library that
        # looks newer than the sources.
        rm -f "$out/lib$module.a"
        "$swiftc" "${common[@]}" -sanitize=fuzzer,address -enable-testing -module-name "$module" -emit-module \
            -emit-module-path "$out/$module.swiftmodule" -emit-library -static -o "$out/lib$module.a.partial" "${sources[@]}"
        mv "$out/lib$module.a.partial" "$out/lib$module.a"
    fi
    previous+=("$out/lib$module.a")
done
libraries=()
for module in "${modules[@]}"; do libraries+=(-l"$module"); done

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=($(ls Fuzz/Targets | sed 's/\.swift$//'))
for target in "${targets[@]}"; do
    if newer "$out/fuzz-$target" "Fuzz/Targets/$target.swift" Fuzz/Support/FuzzCheck.swift "${previous[@]}"; then
        echo "fuzz build: fuzz-$target"
        "$swiftc" "${common[@]}" -sanitize=fuzzer,address -module-name "Fuzz$target" \
            "Fuzz/Targets/$target.swift" Fuzz/Support/FuzzCheck.swift \
            -L "$out" "${libraries[@]}" -lConvLabSIMD -lConvLabSIMDAVX2 -o "$out/fuzz-$target"
    fi
done
