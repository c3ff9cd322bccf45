import { unknownValueTreatment } from '../../models/missing-values.ts';
import { audit } from '../audit.ts';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { defaultTarget, targetName } from '../../warehouse/feature-catalogue.ts';
import { latestChampionEvent, loadModel, RegistryError } from '../../models/registry/registry.ts';
import { loadModelByRef } from '../../models/registry/model-by-ref.ts';
import { scoreTableRecords } from '../../models/score-table.ts';
import { actionSpecSchema, type ActionSpec } from '../../models/counterfactual/actions.ts';
import { loanCounterfactuals } from '../../models/counterfactual/book.ts';
import type { Counterfactual } from '../../models/counterfactual/counterfactual.ts';
import { userErrorsAsBadRequest } from './request-checks.ts';
import type { AppEnv } from '../context.ts';
import { ApiError } from '../errors.ts';
import { permitted } from '../middleware.ts';
import { latestScores, type ServedScore } from '../score-index.ts';
import {
  counterfactualUnavailable,
  counterfactualUnavailableField,
  scorePopulation,
  scorePopulationFields,
} from '../score-population.ts';
import { jsonWithExample } from '../response-example.ts';
import { mayOpenLoan } from '../auth/loan-scope.ts';
import { currentTeams } from '../auth/loan-teams.ts';
import { errorResponses, isoDay, loanIdSchema, noQueryParameters } from '../schemas.ts';
import { TtlCache } from '../cache.ts';
import { UserError } from '../../lib/user-error.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { assertWithinData } from '../../warehouse/data-horizon.ts';
import { alreadyAtTarget } from '../../models/counterfactual/no-move-needed.ts';

/** What SPEC §6 says a score is, whatever was scored. */
const scoreFields = {
  model_name: z.string(),
  model_version: z.number().int(),
  probability: z.number().openapi({
    description:
      "the target's probability (default: 30+ days past due within 3 months) for a loan at DPD ≤ 30 at the month-end, the model's population; a loan already further past due is scored too, but outside it (read its stage from the case list)",
  }),
  points: z.number(),
  grade: z.string(),
  reasons: z.array(z.string()),
};
/** The smallest change of the actionable features that reaches the target grade, re-scored (models/counterfactual). */
const counterfactual = z
  .object({
    from_grade: z.string(),
    target_grade: z.string(),
    reached: z.boolean(),
    grade: z.string(),
    probability_before: z.number(),
    probability_after: z.number(),
    points_before: z.number(),
    points_after: z.number(),
    points_gain: z.number(),
    changes: z.array(
      z.object({
        action: z.string(),
        amount: z.number(),
        features: z.record(z.string(), z.object({ from: z.number().nullable(), to: z.number() })),
      }),
    ),
    text: z.object({ en: z.string(), zh: z.string() }),
  })
  .nullable()
  .openapi('Counterfactual', {
    description:
      "the smallest change of the actionable features that moves the score to the target grade (default the next better), re-scored; null unless asked for (counterfactual=true or a target_grade), when no actions were given (table rows), or when counterfactual_unavailable says why: a loan outside the model's population, a grade already at the target or better",
  });
const gradeParam = z.enum(['A', 'B', 'C', 'D', 'E']);
const score = z
  .object({
    loan_id: z.string(),
    month_end: z.string(),
    ...scoreFields,
    ...scorePopulationFields,
    counterfactual,
    counterfactual_unavailable: counterfactualUnavailableField,
  })
  .openapi('Score');
const loanId = loanIdSchema();
const scoreExample = {
  loan_id: 'L000001234',
  month_end: '2024-06-30',
  model_name: 'ew_scorecard',
  model_version: 3,
  probability: 0.0842,
  points: 561,
  grade: 'C',
  reasons: ['max_dpd_6m', 'broken_promises_6m', 'paid_ratio_3m'],
  in_population: true,
  population_reason: null,
  counterfactual: null,
  counterfactual_unavailable: null,
};

/** The champion's stored scores (loanwatch score) for some loans at the latest scored month-end ≤ as_of. */
/** Most raw rows one request may score with a table model. */
export const maxTableRows = 10_000;
/** the body POST /v1/scores accepts (or the server's limit when larger): room for maxTableRows rows of a wide table */
export const tableScoresBodyBytes = 16 * 1024 * 1024;

const modelRefText = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}(@[1-9]\d{0,8})?$/, 'NAME or NAME@VERSION')
  .openapi({
    example: 'germancredit_scorecard@1',
    description: 'NAME@VERSION, or NAME for the version of it that is champion of its target (its latest when none is)',
  });
/**
 * The counterfactual is a search (a feature read and hundreds of re-scorings per loan), so a score
 * lookup computes it only when asked: `counterfactual=true`, or a target grade. A plain lookup stays
 * an in-memory read, the path collectors' tools call at volume (issue 24: p99 ≤ 20 ms at 1,000 req/s).
 */
const counterfactualFlag = z
  .enum(['true', 'false'])
  .optional()
  .openapi({ description: 'include the counterfactual (implied by target_grade); default false' });
const wantsCounterfactual = (flag: boolean | 'true' | 'false' | undefined, targetGrade: string | undefined) =>
  flag === true || flag === 'true' || targetGrade !== undefined;
const loanIdsBody = z
  .object({
    loan_ids: z.array(loanId).min(1).max(1000),
    as_of: isoDay.optional(),
    target_grade: gradeParam.optional(),
    counterfactual: z.boolean().optional(),
  })
  .strict()
  .openapi('LoanScoreRequest');
const rowsBody = z
  .object({
    model: modelRefText,
    rows: z
      .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
      .min(1)
      .max(maxTableRows),
    /** actionable numeric columns for the counterfactual (none: counterfactual null) */
    actions: z.array(actionSpecSchema).max(50).optional(),
    target_grade: gradeParam.optional(),
  })
  .strict()
  .openapi('TableScoreRequest', {
    description: `raw feature rows (column → value, null for missing) scored with a model trained by train --table; up to ${maxTableRows} rows`,
  });
const tableScore = z
  .object({
    row: z.number().int(),
    ...scoreFields,
    probability: z.number().openapi({
      description:
        "the probability of the table's bad outcome for the row (the model's target: the column and bad value it was trained with, e.g. creditability = bad), calibrated as its card states",
    }),
    counterfactual,
    counterfactual_unavailable: counterfactualUnavailableField,
  })
  .openapi('TableScore');
/** Rows scored in a riskiest bin because their category is new to the model (models/unseen-categories.ts). */
const unseenCategoriesField = z.record(z.string(), z.number().int().min(1)).openapi({
  description:
    'per categorical column the model reads, the number of rows whose category the model never saw in training (each scored in the riskiest bin); columns without any are left out, so {} when every category was seen',
  example: { purpose: 37 },
});

/** Rows with a cell missing that was never missing in training (models/missing-values.ts). */
const unseenMissingField = z.record(z.string(), z.number().int().min(1)).openapi({
  description: `per column the model reads that was never missing in training, the number of rows with it missing (each scored as an unknown value: ${unknownValueTreatment}); columns without any are left out`,
  example: { credit_amount: 200 },
});
/** Columns whose missing share in the batch is far above training (models/missing-values.ts missingShiftRule). */
const missingAboveTrainingField = z
  .record(
    z.string(),
    z.object({
      rows: z.number().int().min(1),
      batch_share: z.number().min(0).max(1),
      training_share: z.number().min(0).max(1),
    }),
  )
  .openapi({
    description:
      'columns missing on at least 5 rows of the request and on a share of them at least 20 points above, and twice, the share of training rows it was missing on (a blank or renamed column in the export: these scores lean on values the model rarely or never saw missing); {} when none',
    example: { credit_amount: { rows: 200, batch_share: 1, training_share: 0 } },
  });

/** Raw rows scored with a table model: an unknown model is a 404, a book model or a bad row a 400. */
async function tableScores(
  c: Context<AppEnv>,
  ref: string,
  rows: Record<string, string | number | null>[],
  cf: { actions?: ActionSpec[]; targetGrade?: string },
) {
  const [name, version] = ref.split('@') as [string, string | undefined];
  try {
    const m = await loadModelByRef(c.get('deps').wh, name, version === undefined ? undefined : Number(version));
    const { scores, unseenCategories, unseenMissing, missingAboveTraining } = await userErrorsAsBadRequest(() =>
      Promise.resolve(
        scoreTableRecords(m, rows, cf.actions ? { actions: cf.actions, targetGrade: cf.targetGrade } : undefined),
      ),
    );
    return {
      scores: scores.map((s) => ({
        ...s,
        counterfactual: s.counterfactual ?? null,
        counterfactual_unavailable: cf.actions && !s.counterfactual ? alreadyAtTarget(s.grade, cf.targetGrade) : null,
      })),
      unseen_categories: unseenCategories,
      unseen_missing: unseenMissing,
      missing_above_training: missingAboveTraining,
    };
  } catch (e) {
    if (e instanceof RegistryError && e.code === 'not_found') throw new ApiError('not_found', e.message);
    throw e;
  }
}

type ChampionScore = Awaited<ReturnType<typeof championScores>>[number];

/** A score answer without the counterfactual (not asked for). */
const withoutCounterfactual = ({ dpd: _dpd, ...s }: ChampionScore) => ({
  ...s,
  counterfactual: null,
  counterfactual_unavailable: null,
});

/**
 * Each served score with the counterfactual of its loan under the model that scored it, from the
 * features of its month-end; a loan outside the model's population gets none, and the answer says why.
 */
async function withCounterfactuals(c: Context<AppEnv>, scores: ChampionScore[], targetGrade: string | undefined) {
  const { wh } = c.get('deps');
  const found = new Map<string, Counterfactual | null>();
  const searched = scores.filter((s) => s.in_population);
  for (const key of new Set(searched.map((s) => `${s.model_name}@${s.model_version}`))) {
    const mine = searched.filter((s) => `${s.model_name}@${s.model_version}` === key);
    const m = await loadModel(wh, mine[0]!.model_name, mine[0]!.model_version);
    for (const [id, cf] of await loanCounterfactuals(wh, m.artifact, mine, { targetGrade })) found.set(id, cf);
  }
  return scores.map((s) => ({
    ...withoutCounterfactual(s),
    counterfactual: found.get(s.loan_id) ?? null,
    counterfactual_unavailable:
      counterfactualUnavailable(s.dpd, s.month_end) ??
      (found.get(s.loan_id) ? null : alreadyAtTarget(s.grade, targetGrade)),
  }));
}

/**
 * A collector's lookup of loans outside his region or team: answered 404 (as an unknown loan, so that
 * the answer does not say the loan exists), and audited as the 403s are — an attempt beyond one's
 * scope is what an auditor reads the log for.
 */
async function auditOutOfScope(c: Context<AppEnv>, loanIds: string[]): Promise<void> {
  if (loanIds.length === 0) return;
  const key = c.get('key');
  await audit(c, 'scores.out_of_scope', loanIds[0]!, {
    loan_ids: loanIds.slice(0, 50),
    count: loanIds.length,
    region: key.region,
    team: key.team,
  });
}

/**
 * A lookup's `as_of` outside the data is refused as every dated route refuses it: past it, the
 * latest score was answered as the score "as of" a day the data does not reach (2030-01-31). The
 * verdict per date is kept for 30 s, as the score index re-checks: a lookup with `as_of` is the
 * collectors' tools' path, answered from memory, and the check costs two statements.
 */
const checkedDates = new WeakMap<Warehouse, TtlCache<string, UserError | null>>();
async function assertAsOfWithinData(wh: Warehouse, asOf: string): Promise<void> {
  let verdicts = checkedDates.get(wh);
  // an expired verdict answers while it is read again beside the lookups: a lookup never waits on the
  // data's first and last day (statements over five tables, behind any heavy one on the embedded engine)
  if (!verdicts) checkedDates.set(wh, (verdicts = new TtlCache(30_000, 1000, true)));
  const refusal = await verdicts.get(asOf, async () => {
    try {
      await assertWithinData(
        wh,
        asOf,
        'as_of',
        'the latest score before it would be answered as the score on a day the data does not reach (load the newer files first)',
      );
      return null;
    } catch (e) {
      // a refusal is kept as the verdict; a failed read is not (TtlCache keeps no failure)
      if (e instanceof UserError) return e;
      throw e;
    }
  });
  if (refusal)
    throw new ApiError(
      'bad_request',
      refusal.message,
      { fields: [{ field: 'as_of', message: refusal.message }] },
      {
        cause: refusal,
      },
    );
}

async function championScores(c: Context<AppEnv>, ids: string[], asOf: string | undefined) {
  const { wh } = c.get('deps');
  const key = c.get('key');
  if (asOf !== undefined) await assertAsOfWithinData(wh, asOf);
  // a collector sees the loans of his queue (region, and team when his key names one: mayOpenLoan);
  // region and team only decide visibility, they are not part of the answer
  const visible = async (rows: ServedScore[]) => {
    const teams =
      key.role === 'collector' && key.team
        ? await currentTeams(
            wh,
            rows.map((r) => r.loan_id),
          )
        : null;
    const inScope = (r: ServedScore) =>
      teams
        ? mayOpenLoan(key, { region: r.region, team: teams.get(r.loan_id) ?? '' })
        : key.role !== 'collector' || !key.region || r.region === key.region;
    await auditOutOfScope(
      c,
      rows.filter((r) => !inScope(r)).map((r) => r.loan_id),
    );
    return rows.filter(inScope).map((r) => ({
      loan_id: r.loan_id,
      month_end: r.month_end,
      model_name: r.model_name,
      model_version: r.model_version,
      probability: r.probability,
      points: r.points,
      grade: r.grade,
      reasons: r.reasons,
      ...scorePopulation(r.dpd, r.month_end),
      // for the counterfactual's refusal only: answers leave it out (withoutCounterfactual)
      dpd: r.dpd,
    }));
  };
  const served = await c.get('caches').scores.lookup(ids, asOf);
  if (served) return visible(served);
  const target = targetName(defaultTarget);
  const champion = await latestChampionEvent(wh, target);
  if (!champion) throw new ApiError('not_found', `no champion model for ${target} yet: train and promote one`);
  // collectors see their own region only
  return visible(await latestScores(wh, { model_name: champion.model_name, version: champion.version }, { ids, asOf }));
}

export const scoreRoutes = new OpenAPIHono<AppEnv>()
  .openapi(
    createRoute({
      middleware: [permitted('scores:read')] as const,
      method: 'get',
      path: '/v1/loans/{id}/score',
      summary: "A loan's latest early-warning score from the champion model",
      request: {
        params: z.object({ id: loanId }),
        query: z
          .object({
            as_of: isoDay.optional().openapi({
              description:
                "the day the score is for, a date YYYY-MM-DD (e.g. 2024-06-30): the loan's latest score on or before it; a day before the data's first day, or more than 7 days (LOANWATCH_DATA_LAG_DAYS) after its last, is refused (400). Left out: the latest scored month-end.",
            }),
            target_grade: gradeParam.optional(),
            counterfactual: counterfactualFlag,
          })
          .strict(),
      },
      responses: {
        200: { description: 'score', content: { 'application/json': jsonWithExample(score, scoreExample) } },
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const [s] = await championScores(c, [c.req.valid('param').id], q.as_of);
      if (!s)
        throw new ApiError(
          'not_found',
          'no score for this loan (unknown loan, not scored yet, or outside your region or team)',
        );
      if (!wantsCounterfactual(q.counterfactual, q.target_grade)) return c.json(withoutCounterfactual(s), 200);
      const [withCf] = await withCounterfactuals(c, [s], q.target_grade);
      return c.json(withCf!, 200);
    },
  )
  .openapi(
    createRoute({
      middleware: [permitted('scores:batch')] as const,
      method: 'post',
      path: '/v1/scores',
      summary: `Scores of up to 1,000 loans from the champion model, or of up to ${maxTableRows.toLocaleString('en-US')} raw rows with a table model`,
      request: {
        query: noQueryParameters,
        body: {
          required: true,
          content: { 'application/json': { schema: z.union([loanIdsBody, rowsBody]) } },
        },
      },
      responses: {
        200: {
          description:
            "loan ids: the champion's stored scores (loans without a score are listed as missing); rows: one score per row, in order, the count of rows per column whose category the model never saw (unseen_categories) or whose cell was never missing in training (unseen_missing), and the columns missing far more often than in training (missing_above_training)",
          content: {
            'application/json': {
              schema: z.union([
                z.object({ scores: z.array(score), missing: z.array(z.string()) }),
                z.object({
                  scores: z.array(tableScore),
                  unseen_categories: unseenCategoriesField,
                  unseen_missing: unseenMissingField,
                  missing_above_training: missingAboveTrainingField,
                }),
              ]),
            },
          },
        },
        ...errorResponses(400, 401, 403, 404, 413, 429),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if ('rows' in body)
        return c.json(
          await tableScores(c, body.model, body.rows, {
            actions: body.actions,
            targetGrade: body.target_grade,
          }),
          200,
        );
      const ids = [...new Set(body.loan_ids)];
      const served = await championScores(c, ids, body.as_of);
      const scores = wantsCounterfactual(body.counterfactual, body.target_grade)
        ? await withCounterfactuals(c, served, body.target_grade)
        : served.map(withoutCounterfactual);
      const found = new Set(scores.map((s) => s.loan_id));
      return c.json({ scores, missing: ids.filter((i) => !found.has(i)) }, 200);
    },
  );
