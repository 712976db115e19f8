// js-yaml ships no types; the build-config test only needs to read one document.
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
