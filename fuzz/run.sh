#!/usr/bin/env bash
# Coverage-guided fuzzing of one target with AFL++ and SharpFuzz for N minutes (default 30):
#
#   fuzz/run.sh TARGET [MINUTES]
#
# TARGET is one of: mime, signed-data, enveloped-data, content-info, inspector,
# streaming-inspector (seeded with the inspector's corpus).
# Steps: installs AFL++ when afl-fuzz is missing (apt-get install afl++, as root or with sudo);
# restores the sharpfuzz tool (.config/dotnet-tools.json); publishes fuzz/SmimeGraph.Fuzz in
# Release into a fresh folder; instruments that folder's copy of SmimeGraph.dll; seeds afl-fuzz
# with fuzz/corpus/TARGET and the dictionaries in fuzz/dict; fuzzes for MINUTES; prints executions, corpus and edge counts,
# crashes and hangs from fuzzer_stats; replays every saved crash and hang to name it.
# Exit code: 0 when nothing crashed or hung, 1 when something did, 2 on bad usage.
#
# Environment: FUZZ_WORK (default fuzz/out, not committed) holds TARGET/bin, TARGET/in,
# TARGET/findings and TARGET/afl.log; FUZZ_TIMEOUT_MS (default 2000) is afl-fuzz's -t, the
# time after which one input counts as a hang; FUZZ_RESUME=1 continues the previous run's
# queue instead of starting from the seeds.
set -euo pipefail
cd "$(dirname "$0")/.."

targets="mime signed-data enveloped-data content-info inspector streaming-inspector"
target=${1:-}
minutes=${2:-30}
if [[ -z $target || " $targets " != *" $target "* || ! $minutes =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: fuzz/run.sh TARGET [MINUTES]   (TARGET: ${targets// /, })" >&2
  exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# 1. AFL++
if ! command -v afl-fuzz >/dev/null 2>&1; then
  sudo=()
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); fi
  if ! command -v apt-get >/dev/null 2>&1 || { [[ $(id -u) -ne 0 ]] && ((${#sudo[@]} == 0)); }; then
    echo "fuzz/run.sh: afl-fuzz is missing; install AFL++ (Debian: apt-get install afl++)" >&2
    exit 1
  fi
  echo "fuzz/run.sh: installing afl++" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq || true
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends afl++ >/dev/null
fi

# 2. The instrumenter.
dotnet tool restore >/dev/null

# 3. A fresh Release build of the harness (instrumenting twice is refused, and the normal
#    build output must never hold an instrumented library).
work=${FUZZ_WORK:-fuzz/out}/$target
bin=$work/bin
rm -rf "$bin"
mkdir -p "$work"
dotnet publish fuzz/SmimeGraph.Fuzz/SmimeGraph.Fuzz.csproj -c Release -o "$bin" --nologo -v quiet >"$work/publish.log" ||
  { cat "$work/publish.log" >&2; exit 1; }

# 4. Instrument the library only: the BCL and the harness are not what is under test.
dotnet tool run sharpfuzz "$bin/SmimeGraph.dll" >/dev/null

# 5. Seeds: the committed corpus without its SOURCE notice.
findings=$work/findings
input=$work/in
if [[ ${FUZZ_RESUME:-0} == 1 && -d $findings/default/queue ]]; then
  input=-
else
  rm -rf "$input" "$findings"
  mkdir -p "$input"
  seeds=$target
  [[ $target == streaming-inspector ]] && seeds=inspector
  find "fuzz/corpus/$seeds" -maxdepth 1 -type f ! -name SOURCE.txt -exec cp {} "$input/" \;
fi

# 6. Fuzz, with the token dictionaries of the formats the target reads (fuzz/dict). SharpFuzz's fork server is the dotnet process, which carries no AFL marker
#    (AFL_SKIP_BIN_CHECK); the machine is shared (AFL_NO_AFFINITY: no core pinning); a .NET
#    runtime reserves far more virtual memory than AFL's default limit (-m none).
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000
timeout_ms=${FUZZ_TIMEOUT_MS:-2000}
case $target in
  mime) dicts=(-x fuzz/dict/mime.dict) ;;
  inspector | streaming-inspector) dicts=(-x fuzz/dict/mime.dict -x fuzz/dict/cms.dict) ;;
  *) dicts=(-x fuzz/dict/cms.dict) ;;
esac
echo "fuzz/run.sh: fuzzing $target for $minutes minute(s); log in $work/afl.log" >&2
afl-fuzz -i "$input" -o "$findings" -t "$timeout_ms" -m none "${dicts[@]}" -V $((minutes * 60)) \
  -- dotnet "$bin/SmimeGraph.Fuzz.dll" --target "$target" >"$work/afl.log" 2>&1 ||
  { tail -n 30 "$work/afl.log" >&2; exit 1; }

# 7. Figures.
stats=$findings/default/fuzzer_stats
stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(stat saved_crashes); crashes=${crashes:-$(stat unique_crashes)}
hangs=$(stat saved_hangs); hangs=${hangs:-$(stat unique_hangs)}
corpus=$(stat corpus_count); corpus=${corpus:-$(stat paths_total)}
echo "target:      $target ($minutes min, -t $timeout_ms ms)"
echo "executions:  $(stat execs_done) ($(stat execs_per_sec)/s at the end)"
echo "paths:       $corpus in the corpus ($(stat corpus_found) found), $(stat edges_found) edges, bitmap $(stat bitmap_cvg)"
echo "crashes:     $crashes"
echo "hangs:       $hangs"
echo "findings:    $findings/default"

# 8. Name what was found.
status=0
for kind in crashes hangs; do
  dir=$findings/default/$kind
  if compgen -G "$dir/id:*" >/dev/null; then
    status=1
    echo "--- $kind, replayed:"
    dotnet "$bin/SmimeGraph.Fuzz.dll" --target "$target" --timeout-ms "$timeout_ms" --replay "$dir" | tail -n 20 || true
  fi
done
exit "$status"
