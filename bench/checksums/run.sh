#!/bin/sh
# Compiles the project (with bench/) to bench/data/build and runs the checksum benchmark.
set -e
cd "$(dirname "$0")/../.."
npx tsc -p tsconfig.json --outDir bench/data/build --noEmitOnError false --sourceMap false --declaration false > /dev/null || true
exec node bench/data/build/bench/checksums/run.js "$@"
