import type { ChartTemplate, Pack } from './template.ts';
import portfolioBalance from './templates/management/portfolio-balance.ts';
import newBusiness from './templates/management/new-business.ts';
import overdueTrend from './templates/management/overdue-trend.ts';
import { vintageEver30, vintageEver90 } from './templates/management/vintage-curves.ts';
import rollRateHeatmap from './templates/management/roll-rate-heatmap.ts';
import flowRateTrend, { writeOffs } from './templates/management/flow-rate-trend.ts';
import cureRates from './templates/management/cure-rates.ts';
import recoveryCurves from './templates/management/recovery-curves.ts';
import { collectionsByChannel, collectionsByTeam } from './templates/management/collections.ts';
import { incentivesByTeam } from './templates/management/incentives.ts';
import { modelMonitoring, scoreDistribution, topWarnings } from './templates/management/early-warning.ts';
import lossForecast from './templates/management/loss-forecast.ts';
import warningEffectiveness, { warningThresholdSuggestions } from './templates/management/warning-effectiveness.ts';
import { fiveCategoryDistribution, fiveCategoryTrend, watchByProduct } from './templates/regulatory/five-category.ts';
import nplDeviation from './templates/regulatory/npl-deviation.ts';
import provisionCoverage, { provisionRatio } from './templates/regulatory/provision-coverage.ts';
import migrationRates, { classMigrationMatrix } from './templates/regulatory/migration-rates.ts';
import { ecl, eclWalk, ifrs9Stages } from './templates/regulatory/ifrs9.ts';
import { disposalOptionsChart } from './templates/regulatory/disposal-options.ts';
import { interestArrearsChart } from './templates/regulatory/interest-arrears.ts';

/** Every chart, in the order it appears in its pack (the catalogue: the API's {template} must be one of these ids). */
export const templates: ChartTemplate[] = [
  portfolioBalance,
  newBusiness,
  overdueTrend,
  vintageEver30,
  vintageEver90,
  rollRateHeatmap,
  flowRateTrend,
  writeOffs,
  cureRates,
  recoveryCurves,
  collectionsByChannel,
  collectionsByTeam,
  incentivesByTeam,
  scoreDistribution,
  modelMonitoring,
  topWarnings,
  warningEffectiveness,
  warningThresholdSuggestions,
  lossForecast,
  fiveCategoryDistribution,
  fiveCategoryTrend,
  watchByProduct,
  nplDeviation,
  provisionCoverage,
  provisionRatio,
  migrationRates,
  classMigrationMatrix,
  ifrs9Stages,
  ecl,
  eclWalk,
  disposalOptionsChart,
  interestArrearsChart,
];

export const templateById = new Map(templates.map((t) => [t.id, t]));
export const packTemplates = (pack: Pack) => templates.filter((t) => t.pack === pack);
