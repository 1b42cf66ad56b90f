/** A query's range or zone is malformed (bad date, end before start, unknown time zone). */
export class InvalidQueryError extends Error {
  constructor(detail: string) {
    super(`Invalid query: ${detail}`);
    this.name = 'InvalidQueryError';
  }
}
