import { printable } from '../shared/printable-text.js';
import type { CapturedPacket } from '../engine/net/capture-types.js';
import { formatFromPath, reportFileProblem, writeFileAtomic } from '../engine/report/report-writer.js';
import { watchExportFile } from '../engine/service/watch-service.js';
import { watchPcap, type PcapFrames } from '../engine/watch/watch-pcap.js';
import { UsageError } from './cli-args.js';
import { runWatch } from '../engine/watch/run-watch.js';
import type { WatchCatch, WatchRequest, WatchResult } from '../shared/watch-info.js';
import { catchLine, summaryLines, watchSeconds } from '../shared/watch-words.js';
import { fitToTerminal } from './terminal-wrap.js';

/**
 * `reset-doctor watch`: one line per reset as it is caught, then the counts and the patterns. Exit 0 when
 * no reset (nor a path's FIN, nor a silence) came, 1 when some did, 130 when cancelled (what was caught is
 * still printed).
 */
export async function watch(command: {
  request: WatchRequest;
  json: boolean;
  pcapFile: string | null;
  reportFile: string | null;
}): Promise<number> {
  for (const [flag, file] of [
    ['--pcap', command.pcapFile],
    ['--report', command.reportFile],
  ] as const) {
    if (file === null) continue;
    const problem = await reportFileProblem(file);
    if (problem !== null) throw new UsageError(`${flag} ${file}: ${problem}`);
  }
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nStopping: keeping what was caught (Ctrl-C again to quit now)\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  // Wrapped at words to a terminal, like diagnose's lines; a pipe gets each line whole.
  const out = (line: string) => process.stdout.write(`${fitToTerminal(printable(line), process.stdout)}\n`);
  const evidence = new Map<string, CapturedPacket[]>();
  const result = await runWatch(command.request, {
    signal: controller.signal,
    // On stderr, --json or not: the moment connections are seen (a script starts its traffic after it).
    onStarted: ({ addresses, seenBy }) =>
      process.stderr.write(
        `Watching ${printable(command.request.target)} (${addresses.join(', ')}) by ${seenBy === 'capture' ? 'packet capture' : 'the socket table'}; Ctrl-C stops and keeps what was caught.\n`,
      ),
    onCatch: (caught) => {
      if (!command.json) out(catchLine(caught));
    },
    // A failed check is news; an answered one is summed up at the end.
    onCheck: (check) => {
      if (!command.json && check.outcome !== 'complete')
        out(
          `+${watchSeconds(check.at)}  check  ${check.outcome === 'closed' ? 'closed early' : check.outcome} after ${check.ms} ms${check.localPort !== null ? ` (:${check.localPort})` : ''}`,
        );
    },
    ...(command.pcapFile === null ? {} : { onEvidence: (id, packets) => evidence.set(id, packets) }),
  });
  let pcap: { file: string; frames: Record<string, PcapFrames>; unwritten: number } | null = null;
  let pcapProblem: string | null = null;
  if (command.pcapFile !== null) {
    const written = watchPcap(result, evidence);
    try {
      await writeFileAtomic(command.pcapFile, written.file);
      pcap = { file: command.pcapFile, frames: written.frames, unwritten: written.unwritten };
    } catch (error) {
      pcapProblem = `could not write ${command.pcapFile}: ${(error as Error).message}`;
    }
  }
  // The report names each catch's frames only when the pcapng beside it was written.
  const problems = pcapProblem === null ? [] : [pcapProblem];
  let reportWritten = false;
  if (command.reportFile !== null) {
    const file = await watchExportFile(result, formatFromPath(command.reportFile)!, pcap ? evidence : null);
    try {
      await writeFileAtomic(command.reportFile, file.content);
      reportWritten = true;
    } catch (error) {
      problems.push(`could not write ${command.reportFile}: ${(error as Error).message}`);
    }
  }
  if (command.json) process.stdout.write(`${JSON.stringify({ ...result, pcap }, null, 2)}\n`);
  else {
    for (const line of ['', ...summaryLines(result)]) out(line);
    if (pcap) out(pcapLine(result, pcap));
    if (reportWritten) out(`The watch is written to ${command.reportFile}.`);
  }
  for (const problem of problems) process.stderr.write(`reset-doctor: ${printable(problem)}\n`);
  if (result.stoppedBy === 'cancelled') return 130;
  return result.counts.resets + result.counts.pathCloses + result.counts.silences > 0 ? 1 : 0;
}

/** Where each reset's packets are in the pcapng, so Wireshark can check the verdict. */
function pcapLine(
  r: WatchResult,
  pcap: { file: string; frames: Record<string, PcapFrames>; unwritten: number },
): string {
  const ranges = r.catches
    .map((c) => [c, pcap.frames[c.connectionId]] as const)
    .filter((e): e is readonly [WatchCatch, PcapFrames] => e[1] !== undefined)
    .map(([c, f]) => `:${c.localPort} frames ${f.first}-${f.last}`);
  const skipped =
    pcap.unwritten > 0 ? ` (${pcap.unwritten} IPv6 packets left out: captured without their IP header)` : '';
  if (ranges.length === 0)
    return `Packets around each reset: ${pcap.file} holds none${pcap.unwritten > 0 ? ` (${pcap.unwritten} IPv6 packets left out: captured without their IP header)` : ' (no reset caught)'}.`;
  return `Packets around each reset: ${pcap.file}: ${ranges.join(', ')}${skipped}.`;
}
