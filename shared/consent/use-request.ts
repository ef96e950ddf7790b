/**
 * A use request: what someone wants to do with patient-derived data, and who asks. It is
 * stated "at the most specific level" (DUO README, "How does querying work"): a purpose
 * names the narrowest DUO category the work falls in, with the diseases studied for DS.
 */
import { z } from 'zod';

import { isoDateSchema } from './dates.ts';
import { diseaseIdSchema } from './disease.ts';
import { lookupDuoTerm } from './duo.ts';

/** Purposes a request can state: general research, health/medical/biomedical, disease specific, population origins/ancestry. */
export const USE_PURPOSES = ['GRU', 'HMB', 'DS', 'POA'] as const;
export type UsePurpose = (typeof USE_PURPOSES)[number];

/**
 * Research topics the DUOS matcher abstains on (DataBiosphere/consent-ontology,
 * DataUseMatchCasesV4 `abstainDecision`): a request touching one always needs a person's review.
 */
export const SENSITIVE_TOPICS = [
  'controls',
  'population',
  'gender',
  'pediatric',
  'vulnerable-populations',
  'illegal-behavior',
  'sexual-diseases',
  'psychological-traits',
  'not-health',
  'stigmatized-diseases',
] as const;
export type SensitiveTopic = (typeof SENSITIVE_TOPICS)[number];

const purposeSchema = z.string().transform((v, ctx) => {
  const t = lookupDuoTerm(v);
  if (t === undefined || !(USE_PURPOSES as readonly string[]).includes(t.code)) {
    ctx.addIssue({ code: 'custom', message: `"${v}" is not a research purpose (one of ${USE_PURPOSES.join(', ')}, or its DUO id)` });
    return z.NEVER;
  }
  return t.code as UsePurpose;
});

const nameSchema = z.string().trim().min(1).max(200);

export const useRequestSchema = z
  .strictObject({
    purpose: purposeSchema,
    /** Diseases studied (DS only), as CURIEs. */
    diseases: z.array(diseaseIdSchema).max(100).default([]),
    /** Methods development (software, algorithms, analytic methods) is part of the work. */
    methods: z.boolean().default(false),
    /** The use is commercial (e.g. product development). */
    commercial: z.boolean().default(false),
    /** The requester works for a for-profit organisation. */
    forProfit: z.boolean().default(false),
    /** The study includes genotype research (DUO GSO allows only such studies). */
    genetic: z.boolean().default(false),
    user: nameSchema.optional(),
    institution: nameSchema.optional(),
    project: nameSchema.optional(),
    /** Where the data will be used: a region or ISO 3166 country code, compared case-insensitively with DUO GS values. */
    region: nameSchema.optional(),
    /** Date of use, YYYY-MM-DD (UTC); default today. Gates always use today. */
    date: isoDateSchema.optional(),
    attestations: z
      .strictObject({
        irbApproval: z.boolean().default(false),
        willPublish: z.boolean().default(false),
        collaboration: z.boolean().default(false),
        willReturnData: z.boolean().default(false),
      })
      .default({ irbApproval: false, willPublish: false, collaboration: false, willReturnData: false }),
    sensitive: z.array(z.enum(SENSITIVE_TOPICS)).max(SENSITIVE_TOPICS.length).default([]),
  })
  .superRefine((r, ctx) => {
    if (r.purpose === 'DS' && r.diseases.length === 0) ctx.addIssue({ code: 'custom', path: ['diseases'], message: 'a disease specific (DS) purpose must name the disease(s) studied' });
    if (r.purpose !== 'DS' && r.diseases.length > 0) ctx.addIssue({ code: 'custom', path: ['diseases'], message: `diseases are stated with the DS purpose only; use DS instead of ${r.purpose}` });
  })
  .transform((r) => ({ ...r, diseases: [...new Set(r.diseases)].sort(), sensitive: [...new Set(r.sensitive)].sort() }));

export type UseRequestInput = z.input<typeof useRequestSchema>;
export type UseRequest = z.output<typeof useRequestSchema>;

/** A person's recorded decision to go ahead despite a REVIEW. */
export const overrideSchema = z.strictObject({
  by: z.string().trim().min(1, 'name the person who takes the decision').max(200),
  reason: z.string().trim().min(1, 'give the reason for the override').max(2000),
});
export type UseOverride = z.output<typeof overrideSchema>;
