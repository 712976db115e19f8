/**
 * The engine writes commands, settings and code in its remedies between backticks ("`sysctl
 * net.ipv4.tcp_keepalive_time=2`"): each face shows them as code (the wizard and the HTML as <code>, the
 * Markdown as a code span) instead of printing the backticks. A backtick without its pair stays text.
 */
export interface TextPart {
  code: boolean;
  text: string;
}

export function codeParts(text: string): TextPart[] {
  const parts: TextPart[] = [];
  const span = /`([^`]+)`/g;
  let from = 0;
  for (const match of text.matchAll(span)) {
    if (match.index > from) parts.push({ code: false, text: text.slice(from, match.index) });
    parts.push({ code: true, text: match[1]! });
    from = match.index + match[0].length;
  }
  if (from < text.length) parts.push({ code: false, text: text.slice(from) });
  return parts;
}
