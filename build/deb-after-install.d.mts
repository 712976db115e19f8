/** Where `npm run dist` writes the deb's post-install script. */
export const DEB_AFTER_INSTALL: string;
/** electron-builder's post-install template with the helper's setcap after it. */
export function debAfterInstall(): string;
