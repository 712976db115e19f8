/*
 * reset-doctor-helper: the one file of Reset Doctor that holds privileges, the way Wireshark's dumpcap
 * and mtr's mtr-packet do. Installed with the file capabilities cap_net_raw,cap_net_admin+p (the deb's
 * postinst, `setcap`), it starts the engine helper (engine-helper-main.js on the app's own runtime) with
 * those two capabilities and nothing else, and the window and the main process keep none.
 *
 * Why a launcher and not `setcap` on the runtime itself: file capabilities on Node (or Electron) would
 * give raw sockets to every script anyone runs with it, and they do not reach the tools the engine runs
 * (`nft list ruleset` and `iptables-save` to read the firewall, `ip route flush cache` to undo what the
 * path-MTU test taught the kernel): a program's file capabilities stop at execve. Raised as ambient
 * capabilities here, they pass to the runtime and on to those tools.
 *
 * So that it grants nothing else:
 * - the runtime and the script are fixed when it is built (-DHELPER_RUNTIME, -DHELPER_MAIN: absolute
 *   paths, root-owned once installed); it takes no arguments;
 * - every capability but the two is dropped (run by root, it keeps only the two as well);
 * - the environment is replaced by a fixed one (no NODE_OPTIONS, LD_PRELOAD or PATH of the caller's);
 * - no_new_privs: nothing it runs can gain more (set-user-ID programs, other file capabilities).
 * Only its parent can call it: the calls come on the stdin pipe the parent holds, and the kernel keeps
 * other processes of the same user out of /proc/<pid>/fd and its memory, since the helper holds
 * capabilities they lack (helper-launcher.spec.ts tries).
 * Without its capabilities (not installed with them, or refused), it starts the helper unprivileged and
 * the helper says so in its hello.
 *
 * Built by build/build-helper-launcher.mjs with the C compiler (no libcap: two system calls); for the
 * desktop packages, with -DHELPER_RUN_AS_NODE by build/after-pack.mjs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef HELPER_RUNTIME
#error "build with -DHELPER_RUNTIME=\"/absolute/path/to/node\""
#endif
#ifndef HELPER_MAIN
#error "build with -DHELPER_MAIN=\"/absolute/path/to/engine-helper-main.js\""
#endif

static const int KEPT[] = {CAP_NET_RAW, CAP_NET_ADMIN};
#define KEPT_COUNT (sizeof KEPT / sizeof KEPT[0])

static int fail(const char *what) {
  fprintf(stderr, "reset-doctor-helper: %s: %s\n", what, strerror(errno));
  return 1;
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc != 1) {
    fprintf(stderr, "reset-doctor-helper: takes no arguments\n");
    return 2;
  }
  struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) != 0) return fail("capget");

  /* The two capabilities, where this process has them; CAP_NET_RAW (13) and CAP_NET_ADMIN (12) are
   * both in the first word. */
  __u32 kept = 0;
  for (unsigned i = 0; i < KEPT_COUNT; i++)
    if (data[0].permitted & CAP_TO_MASK(KEPT[i])) kept |= CAP_TO_MASK(KEPT[i]);
  data[0].effective = data[0].permitted = data[0].inheritable = kept;
  data[1].effective = data[1].permitted = data[1].inheritable = 0;
  if (syscall(SYS_capset, &header, data) != 0) return fail("capset");

  /* Ambient capabilities survive execve of a program without file capabilities: the runtime and the
   * tools it runs. A capability must be permitted and inheritable to be raised. */
  for (unsigned i = 0; i < KEPT_COUNT; i++)
    if ((kept & CAP_TO_MASK(KEPT[i])) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, KEPT[i], 0, 0) != 0)
      return fail("raising an ambient capability");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return fail("no_new_privs");

  static char *const environment[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "LC_ALL=C",
#ifdef HELPER_RUN_AS_NODE
      /* The desktop packages' runtime is the app's own Electron, run as Node (its runAsNode fuse is on
       * for this: build/electron-builder.yml). */
      "ELECTRON_RUN_AS_NODE=1",
#endif
      NULL,
  };
  char *const arguments[] = {HELPER_RUNTIME, HELPER_MAIN, NULL};
  execve(HELPER_RUNTIME, arguments, environment);
  return fail("starting " HELPER_RUNTIME);
}
