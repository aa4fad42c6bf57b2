import { SummaryError } from '../errors.js';

/**
 * Rejects a part of an event file name (a `filenameSuffix` or a `host`) that could move the file out of its log
 * directory: path separators, NUL, or a name made only of dots.
 */
export function checkFileNamePart(api: string, what: string, part: string): void {
  if (typeof part !== 'string' || /[/\\\0]/.test(part) || /^\.+$/.test(part)) {
    throw new SummaryError(
      'SUMMARY_ARGUMENT',
      `${api}: ${what} ${JSON.stringify(part)} is not allowed; expected text without '/', '\\' or NUL, so the event file stays inside its log directory.`,
    );
  }
}

/** A host name made safe for a file name (path separators and NUL become '_'). */
export function safeHost(host: string): string {
  return host.replace(/[/\\\0]/g, '_') || 'localhost';
}
