// Renders the engine's trace events as a two-column "ladder": what the client
// sent on the left pointing right, what the server sent on the right pointing
// left, in the order the events were seen.

import type { TraceEvent } from '../tls/config.js';
import { alertName, handshakeTypeName, HandshakeType } from '../tls/constants.js';

export type Side = 'client' | 'server';

export interface LadderEntry {
  from: Side;
  text: string;
  /** Marks notes that are not TLS handshake records (application data, comments). */
  note?: boolean;
}

export interface LadderStyle {
  /** ANSI colours; only wanted on a terminal. */
  color?: boolean;
  /** Minimum width of each message column. */
  minWidth?: number;
  /** Text put before every line. */
  indent?: string;
}

const RIGHT = '──▶';
const LEFT = '◀──';

/** 'client_hello' → 'ClientHello'. */
function camel(snake: string): string {
  return snake
    .split('_')
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join('');
}

function plural(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/** One trace event as a short label, e.g. "Certificate (812 bytes)" or "Alert fatal unknown_ca". */
export function describeEvent(ev: TraceEvent): string {
  switch (ev.kind) {
    case 'handshake':
      return `${camel(handshakeTypeName(ev.type))} (${plural(ev.length)})`;
    case 'change_cipher_spec':
      return 'ChangeCipherSpec';
    case 'alert': {
      const level = ev.level === 1 ? 'warning' : ev.level === 2 ? 'fatal' : `level ${ev.level}`;
      return `Alert ${level} ${alertName(ev.description)}`;
    }
  }
}

function other(side: Side): Side {
  return side === 'client' ? 'server' : 'client';
}

export class Ladder {
  readonly entries: LadderEntry[] = [];
  /** ServerHello entries seen, so a second one can mark the first as a HelloRetryRequest. */
  private serverHellos: number[] = [];

  /**
   * A trace hook for an endpoint playing `role`. With `sentOnly`, events it
   * received are ignored: use that when both endpoints feed one ladder, so
   * each message is listed once.
   */
  observer(role: Side, opts: { sentOnly?: boolean } = {}): (ev: TraceEvent) => void {
    return (ev) => {
      if (opts.sentOnly && ev.direction !== 'sent') return;
      this.addEvent(ev.direction === 'sent' ? role : other(role), ev);
    };
  }

  addEvent(from: Side, ev: TraceEvent): LadderEntry {
    const entry: LadderEntry = { from, text: describeEvent(ev) };
    if (ev.kind === 'handshake' && ev.type === HandshakeType.server_hello && from === 'server') {
      this.serverHellos.push(this.entries.length);
      // RFC 8446 4.1.4: a HelloRetryRequest is a ServerHello; only a second one reveals it.
      if (this.serverHellos.length === 2) {
        const first = this.entries[this.serverHellos[0]!]!;
        first.text = first.text.replace(/^ServerHello/, 'HelloRetryRequest');
      }
    }
    this.entries.push(entry);
    return entry;
  }

  /** A free-form line, such as "application data (12 bytes)". */
  note(from: Side, text: string): LadderEntry {
    const entry: LadderEntry = { from, text, note: true };
    this.entries.push(entry);
    return entry;
  }

  /** Column widths fitting every entry so far (at least `min`). */
  widths(min = 24): { left: number; right: number } {
    let left = min;
    let right = min;
    for (const e of this.entries) {
      if (e.from === 'client') left = Math.max(left, e.text.length);
      else right = Math.max(right, e.text.length);
    }
    return { left, right };
  }

  /** The whole ladder, with a header naming the two sides. */
  render(style: LadderStyle = {}, labels: { client?: string; server?: string } = {}): string {
    const w = this.widths(style.minWidth);
    const lines = [header(w, style, labels)];
    for (const e of this.entries) lines.push(formatEntry(e, w, style));
    return lines.join('\n');
  }
}

const SIDE_W = 6; // 'client' / 'server'

function paint(s: string, code: string, style: LadderStyle): string {
  return style.color ? `\x1b[${code}m${s}\x1b[0m` : s;
}

function header(w: { left: number; right: number }, style: LadderStyle, labels: { client?: string; server?: string }): string {
  const c = labels.client ?? 'client';
  const s = labels.server ?? 'server';
  // Put each side's name over its column of messages.
  const total = SIDE_W + 2 + w.left + 2 + RIGHT.length + 2 + w.right + 2 + SIDE_W;
  const gap = Math.max(2, total - c.length - s.length);
  return (style.indent ?? '') + paint(c + ' '.repeat(gap) + s, '1', style);
}

/** One ladder line for `e`, laid out for column widths `w`. */
export function formatEntry(e: LadderEntry, w: { left: number; right: number }, style: LadderStyle = {}): string {
  const indent = style.indent ?? '';
  const text = e.note ? paint(e.text, '2', style) : e.text;
  if (e.from === 'client') {
    const pad = ' '.repeat(Math.max(0, w.left - e.text.length));
    return `${indent}${paint('client', '36', style)}  ${text}${pad}  ${paint(RIGHT, '36', style)}`;
  }
  const pad = ' '.repeat(Math.max(0, w.right - e.text.length));
  const lead = ' '.repeat(SIDE_W + 2 + w.left + 2);
  return `${indent}${lead}${paint(LEFT, '35', style)}  ${text}${pad}  ${paint('server', '35', style)}`;
}
