/** Version and commit are embedded at build time by scripts/build.ts (bun build --define). */
declare const __OURO_VERSION__: string | undefined;
declare const __OURO_COMMIT__: string | undefined;

export const VERSION: string = typeof __OURO_VERSION__ === "string" ? __OURO_VERSION__ : "0.0.0-dev";
export const COMMIT: string = typeof __OURO_COMMIT__ === "string" ? __OURO_COMMIT__ : "source";
export const versionLine = () => `ouroboros ${VERSION} (${COMMIT})`;
