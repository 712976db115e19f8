// The report travels as one file to people who may open it offline or print it, so its style is inline
// and uses system fonts only. Colours are variables so dark mode and print only swap the palette.
export const REPORT_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --card: #ffffff; --text: #1b1f24; --muted: #5b6470; --line: #d8dde3;
  --pass: #1a7f37; --pass-bg: #dcf5e3; --warn: #9a6700; --warn-bg: #fff1c7;
  --fail: #c0262d; --fail-bg: #ffe1df; --skip: #57606a; --skip-bg: #eaeef2;
  --accent: #0b61c4; --bar: #5b8def; --code-bg: #eef1f4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216; --card: #181c22; --text: #e6e9ed; --muted: #9aa4af; --line: #2d333b;
    --pass: #4ac26b; --pass-bg: #15301f; --warn: #d8a31a; --warn-bg: #3a2d0c;
    --fail: #ff6b6b; --fail-bg: #3e1618; --skip: #9aa4af; --skip-bg: #262c33;
    --accent: #6aa8ff; --bar: #6a9bff; --code-bg: #11151a;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 24px; background: var(--bg); color: var(--text);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 980px; margin: 0 auto; }
h1 { font-size: 1.6rem; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 1.2rem; margin: 28px 0 10px; }
h3 { font-size: 1.05rem; margin: 0; }
.sub { color: var(--muted); margin: 0 0 18px; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9em; }
.steps { list-style: none; padding: 0; margin: 0; }
.card h2 { margin-top: 0; }
h3.gap { margin: 14px 0 6px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin: 0 0 14px; }
.verdict { border-left: 6px solid var(--fail); }
.verdict[data-verdict="healthy"] { border-left-color: var(--pass); }
.verdict .label { text-transform: uppercase; letter-spacing: 0.06em; font-size: 0.75rem; color: var(--muted); margin: 0; }
.verdict h2 { font-size: 1.5rem; margin: 2px 0 10px; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; }
.facts div { min-width: 120px; }
.facts dt { font-size: 0.75rem; color: var(--muted); text-transform: uppercase; letter-spacing: 0.05em; }
.facts dd { margin: 0; font-weight: 600; }
.meter { display: inline-block; width: 90px; height: 8px; border-radius: 4px; background: var(--skip-bg); vertical-align: middle; margin-left: 8px; overflow: hidden; border: 1px solid var(--line); }
.meter span { display: block; height: 100%; background: var(--accent); }
.cancelled { color: var(--warn); font-weight: 600; }
ul.list { margin: 0; padding-left: 1.2em; }
ul.list li { margin: 4px 0; }
.badge {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.78rem; font-weight: 700;
  text-transform: uppercase; letter-spacing: 0.04em; border: 1px solid currentColor; white-space: nowrap;
}
.s-pass, .s-ok, .s-complete { color: var(--pass); background: var(--pass-bg); }
.s-warn { color: var(--warn); background: var(--warn-bg); }
.s-fail, .s-failed, .s-error { color: var(--fail); background: var(--fail-bg); }
.s-skipped, .s-pending, .s-running { color: var(--skip); background: var(--skip-bg); }
.step-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.step-head .dur { margin-left: auto; color: var(--muted); font-size: 0.9rem; }
.step .summary { margin: 6px 0 10px; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-top: 1px solid var(--line); }
th { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); border-top: 0; }
th.probe { width: 24%; }
td.status { white-space: nowrap; }
td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
.why { display: block; color: var(--muted); margin-top: 2px; }
.why.failure { color: var(--fail); }
.resets .sender { margin: 4px 0 6px; }
.resets table { margin-top: 6px; }
td.vote-path { color: var(--fail); font-weight: 600; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.kv dt { color: var(--muted); }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
details summary { cursor: pointer; font-weight: 600; }
footer { color: var(--muted); font-size: 0.85rem; margin-top: 24px; }
@media print {
  :root {
    color-scheme: light;
    --bg: #ffffff; --card: #ffffff; --text: #000000; --muted: #444b53; --line: #b9c0c8;
    --pass: #116329; --pass-bg: #ffffff; --warn: #7a5200; --warn-bg: #ffffff;
    --fail: #a40e26; --fail-bg: #ffffff; --skip: #444b53; --skip-bg: #ffffff;
    --accent: #0b4f9e; --bar: #6b8fd6; --code-bg: #ffffff;
  }
  body { padding: 0; font-size: 11pt; }
  .card { break-inside: avoid; border-radius: 0; }
  .step { break-inside: auto; }
  tr, figure { break-inside: avoid; }
  .meter { border-color: #000; }
  /* Browsers drop backgrounds when printing; the confidence bar is data, so keep it. */
  .meter span { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .raw { display: none; }
}
`;

/**
 * The page's style when it holds pictures drawn by the wizard's components: their palette and frame
 * (renderer/src/pictures.css) first, so the page's own colours (and its print colours) win where both
 * name one; the components' scoped styles come in the page's head.
 */
export function exportCss(palette: string | null, extra = ''): string {
  return `${palette ?? ''}\n${REPORT_CSS}\n.probe-picture { margin-top: 12px; }\n.probe-picture > h4 { margin: 0; font-size: 0.9rem; }\n${extra}`;
}
