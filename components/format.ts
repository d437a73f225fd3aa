/** Formatting shared by server and client components (fixed locale, so server and browser agree). */

export function formatNumber(value: number | null | undefined): string {
  return value == null ? "—" : value.toLocaleString("en-US");
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null) return "—";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  if (seconds < 1) return `${(seconds * 1000).toFixed(0)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** UTC date and time, e.g. 2026-11-25 22:59:35 UTC (the same on server and browser). */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return "—";
  return `${new Date(value).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

export function durationSeconds(start: Date | string | null, end: Date | string | null): number | null {
  if (!start) return null;
  return ((end ? new Date(end).getTime() : Date.now()) - new Date(start).getTime()) / 1000;
}

/** A run's mode as the console names it: a repair is recorded as an incremental run with its repair flag. */
export function modeLabel(run: { mode: string; repair?: boolean }): string {
  return run.repair ? `${run.mode} (repair)` : run.mode;
}
