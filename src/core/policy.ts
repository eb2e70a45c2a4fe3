import { z } from 'zod';
import { apiError, type ApiAccessError } from './errors.js';

/** What an edit does to the token's secret: keeps it, replaces it (the old one stops working), or edits are refused. */
export const EditPolicies = ['keep-secret', 'invalidate-secret', 'forbid'] as const;
export type EditPolicy = (typeof EditPolicies)[number];

export const SCOPE_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

export const policySchema = z
  .object({
    /** Enabled, unexpired tokens one owner may hold at once (default five). */
    maxActiveTokensPerOwner: z.number().int().min(1).max(10_000).default(5),
    /** Token names must match this regular expression. */
    namePattern: z
      .string()
      .max(500)
      .refine((source) => {
        try {
          new RegExp(source, 'u');
          return true;
        } catch {
          return false;
        }
      }, 'must be a valid regular expression')
      .optional(),
    /** Shown to the user when a name does not match namePattern. */
    namePatternHint: z.string().max(200).optional(),
    /** The lifetimes offered in the create and regenerate forms. */
    expiryPresetsDays: z.array(z.number().int().min(1).max(36_500)).min(1).max(20).default([30, 60, 90, 180, 365, 730]),
    /** Whether a token may never expire. */
    allowNeverExpires: z.boolean().default(true),
    /** The longest lifetime a token may be given, in days; null for no limit. */
    maxLifetimeDays: z.number().int().min(1).max(36_500).nullable().default(null),
    /** Scopes roles may grant; null accepts any well-formed scope. */
    allowedScopes: z.array(z.string().regex(SCOPE_PATTERN, 'scopes are lowercase letters, digits and _ . : -')).min(1).nullable().default(null),
    editPolicy: z.enum(EditPolicies).default('keep-secret'),
    /** Grace periods offered when rotating, in seconds (0: the old secret stops at once). */
    rotationGraceSeconds: z
      .array(
        z
          .number()
          .int()
          .min(0)
          .max(30 * 86_400),
      )
      .min(1)
      .default([0, 3_600, 86_400]),
  })
  .strict()
  .superRefine((policy, ctx) => {
    if (policy.maxLifetimeDays !== null) {
      if (policy.allowNeverExpires) {
        ctx.addIssue({ code: 'custom', path: ['allowNeverExpires'], message: 'must be false when maxLifetimeDays is set' });
      }
      const tooLong = policy.expiryPresetsDays.filter((days) => days > policy.maxLifetimeDays!);
      if (tooLong.length > 0) {
        ctx.addIssue({ code: 'custom', path: ['expiryPresetsDays'], message: `${tooLong.join(', ')} exceed maxLifetimeDays (${policy.maxLifetimeDays})` });
      }
    }
    if (!policy.rotationGraceSeconds.includes(0)) {
      ctx.addIssue({ code: 'custom', path: ['rotationGraceSeconds'], message: 'must include 0 (no grace period)' });
    }
  });

export type PolicyInput = z.input<typeof policySchema>;
export type Policy = Readonly<z.output<typeof policySchema>> & { readonly nameRegex: RegExp | null };

/** A zod failure on options as one `path: problem` line per bad option. */
export function optionIssues(prefix: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${[prefix, ...issue.path].join('.')}: ${issue.message}`);
}

/** Turns a zod failure on options into one start-up error that names every bad option. */
export function optionsError(prefix: string, error: z.ZodError): ApiAccessError {
  return apiError('invalidOptions', { issues: optionIssues(prefix, error) });
}

/** The policy from options.policy, or the lines naming what is wrong with it (see optionIssues). */
export function parsePolicy(input: PolicyInput | undefined): { policy: Policy; issues?: undefined } | { policy?: undefined; issues: string[] } {
  const parsed = policySchema.safeParse(input ?? {});
  if (!parsed.success) return { issues: optionIssues('options.policy', parsed.error) };
  const policy = parsed.data;
  const resolved = Object.freeze({
    ...policy,
    expiryPresetsDays: [...new Set(policy.expiryPresetsDays)].sort((a, b) => a - b),
    rotationGraceSeconds: [...new Set(policy.rotationGraceSeconds)].sort((a, b) => a - b),
    nameRegex: policy.namePattern ? new RegExp(policy.namePattern, 'u') : null,
  });
  return { policy: resolved };
}

export function resolvePolicy(input: PolicyInput | undefined): Policy {
  const { policy, issues } = parsePolicy(input);
  if (issues) throw apiError('invalidOptions', { issues });
  return policy;
}
