#!/usr/bin/env bash
# Benchmarks for docs/PERFORMANCE.md. Prints figures; asserts nothing.
#   bash src/test/bench/run.sh            all benchmarks
#   bash src/test/bench/run.sh startup    one of: startup, find, booking, graph
#   bash src/test/bench/run.sh webhook [clients] [notifications per request] [seconds]
#   bash src/test/bench/run.sh sync [n]   or one of: sync-inbound, sync-outbound, sync-bulk (not part of "all")
set -euo pipefail
cd "$(dirname "$0")/../../.."
mvn -q -DskipTests package
mvn -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" io.roomsync.bench.Benchmarks "$@"
