/**
 * Calendar dates of consent records and use requests: ISO 8601 `YYYY-MM-DD` strings in
 * UTC. They compare correctly as strings, so no Date arithmetic is needed except for
 * adding months (DUO TS, "time limit on use").
 */
import { z } from 'zod';

/** A valid calendar date `YYYY-MM-DD` (rejects 2026-02-30). */
export const isoDateSchema = z.string().refine(isIsoDate, 'expected a calendar date YYYY-MM-DD');

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Today's date in UTC. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * `date` plus `months` calendar months, clamped to the month's last day (2026-01-31 + 1
 * month = 2026-02-28), as a consent form's "N months from" is usually read.
 */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/**
 * The date part of an ISO 8601 date or dateTime (FHIR `date`/`dateTime`), in UTC when a
 * time zone is given; undefined when it is neither.
 */
export function dateOf(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return isIsoDate(value) ? value : undefined;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().slice(0, 10);
}
