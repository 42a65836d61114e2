# Sourced by scripts/bench.sh and scripts/bench-guard.sh: running a Google Benchmark binary and
# reading its CSV.

# bench_csv BINARY REPETITIONS [ARGS...]: the benchmark's aggregates (mean, median, stddev, cv per
# benchmark) as CSV on stdout; its log on stderr is dropped. The window's benchmarks run offscreen.
bench_csv() {
    local binary="$1" repetitions="$2"
    shift 2
    QT_QPA_PLATFORM=offscreen "$binary" --benchmark_format=csv \
        --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true "$@" \
        2>/dev/null
}

# An awk rule to put first in a program reading that CSV: col["name"] is the column of each
# counter, from the header line.
csv_columns='/^name,/ { for (i = 1; i <= NF; i++) { h = $i; gsub(/"/, "", h); col[h] = i } next }'
