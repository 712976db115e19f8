/** Compiles reset-doctor-helper for one install (see build-helper-launcher.mjs); returns `out`. */
export function buildHelperLauncher(paths: {
  out: string;
  runtime: string;
  main: string;
  runAsNode?: boolean;
}): string;
