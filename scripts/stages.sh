# Sourced by scripts/test and scripts/bench: `stage NAME` starts a timed stage;
# the table of every stage's seconds is printed when the script exits, passed
# or failed, so a slow or red run says where its time went.
stage_names=()
stage_starts=()
stages_started=$SECONDS
stage() {
  stage_names+=("$*")
  stage_starts+=("$SECONDS")
  printf '\n== %s (at %ss)\n' "$*" "$((SECONDS - stages_started))"
}
stage_done() { stage "all passed"; }
stage_table() {
  local status=$? i end
  printf '\n== stage seconds (%s)\n' "$([ "$status" -eq 0 ] && echo passed || echo "FAILED, exit $status")"
  for i in "${!stage_names[@]}"; do
    [ "${stage_names[$i]}" = "all passed" ] && continue
    end=${stage_starts[$((i + 1))]:-$SECONDS}
    printf '%6s  %s\n' "$((end - stage_starts[i]))" "${stage_names[$i]}"
  done
  printf '%6s  total\n' "$((SECONDS - stages_started))"
}
trap stage_table EXIT
