// Where follow-up work is tracked (GitHub issues). The core hands it plain Markdown; the adapter
// speaks the tracker's API. Failures throw; the caller decides whether they matter.

export interface TrackedIssue {
  number: number;
  url: string;
}

export interface NewIssue {
  title: string;
  /** Markdown. */
  body: string;
  labels: string[];
}

export interface IssueTracker {
  /** An issue in `repo` (`owner/name`) carrying `label` whose body contains `marker`, open or closed. */
  findIssue(repo: string, label: string, marker: string, signal: AbortSignal): Promise<TrackedIssue | undefined>;
  createIssue(repo: string, issue: NewIssue, signal: AbortSignal): Promise<TrackedIssue>;
}
