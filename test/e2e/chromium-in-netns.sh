#!/bin/sh
# Playwright's executablePath for the e2e tests: starts Debian's Chromium INSIDE a lab's client network
# namespace, so the browser reaches `reset-doctor serve` on that namespace's own loopback and nothing the
# browser does can leave the lab (the namespace's only routes lead into it).
#
# fixtures.ts sets RD_E2E_NETNS to the client namespace of the lab it built (`rd<6 hex>-c`). Playwright
# talks to the browser over inherited pipes (--remote-debugging-pipe), which `ip netns exec` keeps open.
set -eu
ns="${RD_E2E_NETNS:-}"
case "$ns" in
  rd[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-c) ;;
  *)
    echo "chromium-in-netns.sh: RD_E2E_NETNS must name a lab client namespace (rd??????-c), got '$ns'" >&2
    exit 2
    ;;
esac
exec ip netns exec "$ns" "${RD_E2E_CHROMIUM:-/usr/bin/chromium}" "$@"
