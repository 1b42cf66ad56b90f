/** `1h 05m` / `42 min` / `0 min` from seconds. */
export function duration(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/** A [0,1] score as a percentage, `—` when unknown. */
export function percent(score: number | null | undefined): string {
  return score === null || score === undefined ? '—' : `${Math.round(score * 100)}%`;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `Mon 09:00` for an hour of the week (0 = Sunday 00:00). */
export function hourOfWeekLabel(hour: number): string {
  return `${DAY_NAMES[Math.floor(hour / 24)]} ${String(hour % 24).padStart(2, '0')}:00`;
}

export { DAY_NAMES };
