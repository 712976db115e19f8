/** Where the deb installs the launcher, the runtime it starts and the helper script. */
export function installedPaths(names: { sanitizedProductName: string; executableName: string }): {
  launcher: string;
  runtime: string;
  main: string;
};
/** electron-builder's afterPack hook (the part of its context it reads). */
export function afterPack(context: {
  electronPlatformName: string;
  arch: number | undefined;
  appOutDir: string;
  packager: { appInfo: { sanitizedProductName: string }; executableName: string };
}): Promise<void>;
export default afterPack;
