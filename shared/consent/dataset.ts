/**
 * The decision for a dataset: usable only if every linked subject allows the use.
 * Otherwise DENY (any subject denies) or REVIEW, naming the subjects, with the eligible
 * subset (the subjects who allow) that a derived dataset may keep.
 */
import type { Decision, Obligation, Reason, ReasonCode } from './match.ts';
import type { SubjectDecision } from './subject.ts';

export interface ReasonSummary {
  code: ReasonCode;
  effect: Decision;
  /** Subjects with this reason. */
  count: number;
  /** The message of the first subject with it. */
  example: string;
}

export interface DatasetDecision {
  datasetId: string;
  /** Date of use checked, YYYY-MM-DD. */
  date: string;
  decision: Decision;
  total: number;
  counts: Record<Decision, number>;
  /** Subjects who allow the use, in link order: the eligible subset. */
  eligible: string[];
  denied: string[];
  review: string[];
  /** Obligations of the allowed subjects' consents, deduplicated. */
  obligations: Obligation[];
  /** Reasons of the non-allowed subjects, counted; plus NO_SUBJECTS for a dataset with none linked. */
  summary: ReasonSummary[];
  subjects: SubjectDecision[];
}

const NO_SUBJECTS: Reason = {
  code: 'NO_SUBJECTS',
  effect: 'REVIEW',
  message: 'No data subjects are linked to this dataset, so Notarium cannot tell whether it is patient-derived or what its subjects consented to; link them, or have a person decide.',
};

/** Aggregates per-subject decisions into the dataset's. */
export function decideDataset(datasetId: string, date: string, subjects: SubjectDecision[]): DatasetDecision {
  const counts: Record<Decision, number> = { ALLOW: 0, DENY: 0, REVIEW: 0 };
  const eligible: string[] = [];
  const denied: string[] = [];
  const review: string[] = [];
  const obligations = new Map<string, Obligation>();
  const summary = new Map<string, ReasonSummary>();
  for (const s of subjects) {
    counts[s.decision]++;
    if (s.decision === 'ALLOW') {
      eligible.push(s.subjectId);
      for (const o of s.obligations) if (!obligations.has(o.message)) obligations.set(o.message, o);
      continue;
    }
    (s.decision === 'DENY' ? denied : review).push(s.subjectId);
    for (const r of s.reasons) {
      if (r.effect === 'ALLOW') continue;
      const hit = summary.get(r.code);
      if (hit) hit.count++;
      else summary.set(r.code, { code: r.code, effect: r.effect, count: 1, example: r.message });
    }
  }
  if (subjects.length === 0) summary.set('NO_SUBJECTS', { code: 'NO_SUBJECTS', effect: NO_SUBJECTS.effect, count: 0, example: NO_SUBJECTS.message });
  const decision: Decision = subjects.length === 0 ? NO_SUBJECTS.effect : counts.DENY > 0 ? 'DENY' : counts.REVIEW > 0 ? 'REVIEW' : 'ALLOW';
  return {
    datasetId,
    date,
    decision,
    total: subjects.length,
    counts,
    eligible,
    denied,
    review,
    obligations: [...obligations.values()],
    summary: [...summary.values()].sort((a, b) => b.count - a.count),
    subjects,
  };
}
