/** Version, commit and target platform are embedded at build time by scripts/build.ts (bun build --define). */
declare const __OURO_VERSION__: string | undefined;
declare const __OURO_COMMIT__: string | undefined;
declare const __OURO_PLATFORM__: string | undefined;

export const VERSION: string = typeof __OURO_VERSION__ === "string" ? __OURO_VERSION__ : "0.0.0-dev";
export const COMMIT: string = typeof __OURO_COMMIT__ === "string" ? __OURO_COMMIT__ : "source";

/** Release platform name (`linux-x64`, `darwin-arm64`, `windows-x64`, …) of the running process. */
export function hostPlatform(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  return `${os}-${process.arch}`;
}
/** The platform this binary was built for (a cross build knows it before it ever runs). */
export const PLATFORM: string = typeof __OURO_PLATFORM__ === "string" ? __OURO_PLATFORM__ : hostPlatform();

export const versionLine = () => `ouroboros ${VERSION} (${COMMIT}) ${PLATFORM}`;
