# Sourced by the loopback server scripts: free_port NAME prints a TCP port nothing listens
# on yet (NAME goes in the error message).
free_port() {
  local p
  for _ in $(seq 200); do
    p=$((20000 + RANDOM % 40000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "$1: no free port" >&2
  return 1
}
